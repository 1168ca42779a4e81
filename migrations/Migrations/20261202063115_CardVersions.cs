using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// A monotonic version per card: every trigger that announces a card change also counts it, in card_versions. The count is
    /// an upsert on one row per slot, so two transactions changing one slot take turns on that row and the later commit gets
    /// the higher number, whatever the clocks say. Pages never replace a card with one of a lower version, so a late
    /// answer or a reordered event cannot undo a newer state.
    /// </summary>
    public partial class CardVersions : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE card_versions (
                    content_id uuid NOT NULL REFERENCES content (id) ON DELETE CASCADE,
                    slot text NOT NULL,
                    version bigint NOT NULL,
                    PRIMARY KEY (content_id, slot));

                CREATE FUNCTION card_changed(changed_content uuid, changed_slot text) RETURNS void LANGUAGE sql AS $$
                    INSERT INTO card_versions (content_id, slot, version) VALUES (changed_content, changed_slot, 1)
                    ON CONFLICT (content_id, slot) DO UPDATE SET version = card_versions.version + 1;
                    SELECT pg_notify('video_card_changed', changed_content::text || ':' || changed_slot);
                $$;

                CREATE OR REPLACE FUNCTION notify_video_card_changed_by_slot_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- A deleted content item takes its versions with it; its rows are deleted with nothing left to show.
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM card_changed(NEW.content_id, NEW.slot);
                    END IF;
                    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW.content_id, NEW.slot)) THEN
                        PERFORM card_changed(OLD.content_id, OLD.slot) FROM content WHERE id = OLD.content_id;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION notify_video_card_changed_by_content() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF OLD.business_id IS DISTINCT FROM NEW.business_id OR (OLD.video_long_url, OLD.video_script) IS DISTINCT FROM (NEW.video_long_url, NEW.video_script) THEN
                        PERFORM card_changed(NEW.id, 'long');
                    END IF;
                    IF OLD.business_id IS DISTINCT FROM NEW.business_id OR (OLD.video_short_url, OLD.short_video_script) IS DISTINCT FROM (NEW.video_short_url, NEW.short_video_script) THEN
                        PERFORM card_changed(NEW.id, 'short');
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION notify_video_card_changed_by_integration() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- OLD is null on insert and NEW on delete; IN ignores the null.
                    PERFORM card_changed(c.id, s.slot)
                    FROM content c CROSS JOIN (VALUES ('long'), ('short')) AS s(slot)
                    WHERE c.business_id IN (OLD.business_id, NEW.business_id);
                    RETURN NULL;
                END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION notify_video_card_changed_by_slot_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM pg_notify('video_card_changed', NEW.content_id::text || ':' || NEW.slot);
                    END IF;
                    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW.content_id, NEW.slot)) THEN
                        PERFORM pg_notify('video_card_changed', OLD.content_id::text || ':' || OLD.slot);
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION notify_video_card_changed_by_content() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF OLD.business_id IS DISTINCT FROM NEW.business_id OR (OLD.video_long_url, OLD.video_script) IS DISTINCT FROM (NEW.video_long_url, NEW.video_script) THEN
                        PERFORM pg_notify('video_card_changed', NEW.id::text || ':long');
                    END IF;
                    IF OLD.business_id IS DISTINCT FROM NEW.business_id OR (OLD.video_short_url, OLD.short_video_script) IS DISTINCT FROM (NEW.video_short_url, NEW.short_video_script) THEN
                        PERFORM pg_notify('video_card_changed', NEW.id::text || ':short');
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION notify_video_card_changed_by_integration() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('video_card_changed', c.id::text || ':' || s.slot)
                    FROM content c CROSS JOIN (VALUES ('long'), ('short')) AS s(slot)
                    WHERE c.business_id IN (OLD.business_id, NEW.business_id);
                    RETURN NULL;
                END $$;

                DROP FUNCTION card_changed(uuid, text);
                DROP TABLE card_versions;
                """);
        }
    }
}
