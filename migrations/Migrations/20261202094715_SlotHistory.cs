using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// A slot's history: when each version last became current (restore and Undo make an old one current again), when its
    /// files were removed (retention, or deleted for good), what an AI version was made from, and the slot's audit trail
    /// read newest first. Existing versions became current when they were made, except those kept aside (replaced the
    /// moment they were made).
    /// </summary>
    public partial class SlotHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "avatar_id",
                table: "video_generations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "job_id",
                table: "video_generations",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "script_excerpt",
                table: "video_generations",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "voice_id",
                table: "video_generations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "current_since",
                table: "video_assets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "removed_at",
                table: "video_assets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.Sql("UPDATE video_assets SET current_since = created_at WHERE replaced_at IS DISTINCT FROM created_at;");

            migrationBuilder.CreateIndex(
                name: "ix_video_events_content_id_slot_at",
                table: "video_events",
                columns: new[] { "content_id", "slot", "at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_video_events_content_id_slot_at",
                table: "video_events");

            migrationBuilder.DropColumn(
                name: "avatar_id",
                table: "video_generations");

            migrationBuilder.DropColumn(
                name: "job_id",
                table: "video_generations");

            migrationBuilder.DropColumn(
                name: "script_excerpt",
                table: "video_generations");

            migrationBuilder.DropColumn(
                name: "voice_id",
                table: "video_generations");

            migrationBuilder.DropColumn(
                name: "current_since",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "removed_at",
                table: "video_assets");
        }
    }
}
