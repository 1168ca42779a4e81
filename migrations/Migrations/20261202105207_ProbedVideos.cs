using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ProbedVideos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "audio_codec",
                table: "video_assets",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "height",
                table: "video_assets",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "shape_accepted",
                table: "video_assets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "video_codec",
                table: "video_assets",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "width",
                table: "video_assets",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "audio_codec",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "height",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "shape_accepted",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "video_codec",
                table: "video_assets");

            migrationBuilder.DropColumn(
                name: "width",
                table: "video_assets");
        }
    }
}
