using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class HeyGenV3 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "waits_for_render_slot",
                table: "video_generations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "captions_key",
                table: "video_assets",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "duration_seconds",
                table: "video_assets",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "poster_key",
                table: "video_assets",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "engine",
                table: "ai_avatar_integrations",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_concurrent_renders",
                table: "ai_avatar_integrations",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "short_avatar_id",
                table: "ai_avatar_integrations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "webhook_endpoint_id",
                table: "ai_avatar_integrations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "webhook_secret_id",
                table: "ai_avatar_integrations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "webhook_token",
                table: "ai_avatar_integrations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_ai_avatar_integrations_webhook_secret_id",
                table: "ai_avatar_integrations",
                column: "webhook_secret_id");

            migrationBuilder.CreateIndex(
                name: "ix_ai_avatar_integrations_webhook_token",
                table: "ai_avatar_integrations",
                column: "webhook_token",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_ai_avatar_integrations_integration_secrets_webhook_secret_id",
                table: "ai_avatar_integrations",
                column: "webhook_secret_id",
                principalTable: "integration_secrets",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_ai_avatar_integrations_integration_secrets_webhook_secret_id",
                table: "ai_avatar_integrations");

            migrationBuilder.DropIndex(
                name: "ix_ai_avatar_integrations_webhook_secret_id",
                table: "ai_avatar_integrations");

            migrationBuilder.DropIndex(
                name: "ix_ai_avatar_integrations_webhook_token",
                table: "ai_avatar_integrations");

            migrationBuilder.DropColumn(
                name: "waits_for_render_slot",
                table: "video_generations");

            migrationBuilder.DropColumn(
                name: "captions_key",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "duration_seconds",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "poster_key",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "engine",
                table: "ai_avatar_integrations");

            migrationBuilder.DropColumn(
                name: "max_concurrent_renders",
                table: "ai_avatar_integrations");

            migrationBuilder.DropColumn(
                name: "short_avatar_id",
                table: "ai_avatar_integrations");

            migrationBuilder.DropColumn(
                name: "webhook_endpoint_id",
                table: "ai_avatar_integrations");

            migrationBuilder.DropColumn(
                name: "webhook_secret_id",
                table: "ai_avatar_integrations");

            migrationBuilder.DropColumn(
                name: "webhook_token",
                table: "ai_avatar_integrations");
        }
    }
}
