using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// The card reads the content's business (whose HeyGen integration decides what Generate offers), so moving a content item
    /// to another business notifies both of its cards, like a change of its videos or scripts.
    /// </summary>
    public partial class CardNoticeOnBusinessChange : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(ContentFunction(
            "OLD.business_id IS DISTINCT FROM NEW.business_id OR "));

        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(ContentFunction(""));

        private static string ContentFunction(string businessChanged) => $"""
            CREATE OR REPLACE FUNCTION notify_video_card_changed_by_content() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {businessChanged}(OLD.video_long_url, OLD.video_script) IS DISTINCT FROM (NEW.video_long_url, NEW.video_script) THEN
                    PERFORM pg_notify('video_card_changed', NEW.id::text || ':long');
                END IF;
                IF {businessChanged}(OLD.video_short_url, OLD.short_video_script) IS DISTINCT FROM (NEW.video_short_url, NEW.short_video_script) THEN
                    PERFORM pg_notify('video_card_changed', NEW.id::text || ':short');
                END IF;
                RETURN NULL;
            END $$;
            """;
    }
}
