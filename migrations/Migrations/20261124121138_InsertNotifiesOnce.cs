using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// An inserted generation or asset sent a second, empty notice: on insert there is no old row, and a missing old slot
    /// counted as "moved". Only an update that moves the row, or a delete, announces the old slot now.
    /// </summary>
    public partial class InsertNotifiesOnce : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SlotRowFunction(
            "TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW.content_id, NEW.slot))"));

        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SlotRowFunction(
            "TG_OP = 'DELETE' OR (OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW.content_id, NEW.slot)"));

        private static string SlotRowFunction(string announceOldSlot) => $"""
            CREATE OR REPLACE FUNCTION notify_video_card_changed_by_slot_row() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'DELETE' THEN
                    PERFORM pg_notify('video_card_changed', NEW.content_id::text || ':' || NEW.slot);
                END IF;
                IF {announceOldSlot} THEN
                    PERFORM pg_notify('video_card_changed', OLD.content_id::text || ':' || OLD.slot);
                END IF;
                RETURN NULL;
            END $$;
            """;
    }
}
