using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// Every committed change of what a video card shows sends NOTIFY video_card_changed '&lt;content id&gt;:&lt;slot&gt;'.
    /// Triggers rather than application code: they fire inside the changing transaction (so the notice is delivered on commit and
    /// never for a rollback), catch ExecuteUpdate and raw SQL alike, and reach the web processes whichever process wrote the change.
    /// PostgreSQL folds identical notices of one transaction into one.
    /// </summary>
    public partial class LiveCardNotifications : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_video_card_changed_by_slot_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM pg_notify('video_card_changed', NEW.content_id::text || ':' || NEW.slot);
                    END IF;
                    IF TG_OP = 'DELETE' OR (OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW.content_id, NEW.slot) THEN
                        PERFORM pg_notify('video_card_changed', OLD.content_id::text || ':' || OLD.slot);
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER video_generations_notify_video_card_changed
                    AFTER INSERT OR UPDATE OR DELETE ON video_generations
                    FOR EACH ROW EXECUTE FUNCTION notify_video_card_changed_by_slot_row();

                CREATE TRIGGER video_assets_notify_video_card_changed
                    AFTER INSERT OR UPDATE OR DELETE ON video_assets
                    FOR EACH ROW EXECUTE FUNCTION notify_video_card_changed_by_slot_row();

                CREATE FUNCTION notify_video_card_changed_by_content() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF (OLD.video_long_url, OLD.video_script) IS DISTINCT FROM (NEW.video_long_url, NEW.video_script) THEN
                        PERFORM pg_notify('video_card_changed', NEW.id::text || ':long');
                    END IF;
                    IF (OLD.video_short_url, OLD.short_video_script) IS DISTINCT FROM (NEW.video_short_url, NEW.short_video_script) THEN
                        PERFORM pg_notify('video_card_changed', NEW.id::text || ':short');
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER content_notify_video_card_changed
                    AFTER UPDATE ON content
                    FOR EACH ROW EXECUTE FUNCTION notify_video_card_changed_by_content();

                CREATE FUNCTION notify_video_card_changed_by_integration() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- OLD is null on insert and NEW on delete; IN ignores the null.
                    PERFORM pg_notify('video_card_changed', c.id::text || ':' || s.slot)
                    FROM content c CROSS JOIN (VALUES ('long'), ('short')) AS s(slot)
                    WHERE c.business_id IN (OLD.business_id, NEW.business_id);
                    RETURN NULL;
                END $$;

                CREATE TRIGGER ai_avatar_integrations_notify_video_card_changed
                    AFTER INSERT OR UPDATE OR DELETE ON ai_avatar_integrations
                    FOR EACH ROW EXECUTE FUNCTION notify_video_card_changed_by_integration();
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER ai_avatar_integrations_notify_video_card_changed ON ai_avatar_integrations;
                DROP FUNCTION notify_video_card_changed_by_integration();
                DROP TRIGGER content_notify_video_card_changed ON content;
                DROP FUNCTION notify_video_card_changed_by_content();
                DROP TRIGGER video_assets_notify_video_card_changed ON video_assets;
                DROP TRIGGER video_generations_notify_video_card_changed ON video_generations;
                DROP FUNCTION notify_video_card_changed_by_slot_row();
                """);
        }
    }
}
