using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ContentListAndInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "archived_at",
                table: "content",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "invitations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    business_id = table.Column<Guid>(type: "uuid", nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    role = table.Column<string>(type: "text", nullable: false),
                    site_admin = table.Column<bool>(type: "boolean", nullable: false),
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invitations", x => x.id);
                    table.ForeignKey(
                        name: "fk_invitations_businesses_business_id",
                        column: x => x.business_id,
                        principalTable: "businesses",
                        principalColumn: "id");
                });

            migrationBuilder.CreateIndex(
                name: "ix_content_list_archived",
                table: "content",
                columns: new[] { "business_id", "archived_at", "id" },
                descending: new[] { false, true, true },
                filter: "archived_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_content_list_by_change",
                table: "content",
                columns: new[] { "business_id", "updated_at", "id" },
                descending: new[] { false, true, true },
                filter: "archived_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_content_list_by_title",
                table: "content",
                columns: new[] { "business_id", "title", "id" },
                filter: "archived_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_content_title_trgm",
                table: "content",
                column: "title")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_invitations_business_id",
                table: "invitations",
                column: "business_id");

            migrationBuilder.CreateIndex(
                name: "ix_invitations_token_hash",
                table: "invitations",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invitations");

            migrationBuilder.DropIndex(
                name: "ix_content_list_archived",
                table: "content");

            migrationBuilder.DropIndex(
                name: "ix_content_list_by_change",
                table: "content");

            migrationBuilder.DropIndex(
                name: "ix_content_list_by_title",
                table: "content");

            migrationBuilder.DropIndex(
                name: "ix_content_title_trgm",
                table: "content");

            migrationBuilder.DropColumn(
                name: "archived_at",
                table: "content");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
