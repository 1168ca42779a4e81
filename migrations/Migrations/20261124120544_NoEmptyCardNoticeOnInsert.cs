using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// On INSERT, OLD is null, so "(OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW...)" held and the slot-row trigger also sent
    /// a notice with a null (empty) payload for every new generation and asset, which each web process logged as malformed.
    /// The old slot is notified only for a DELETE or an UPDATE that moves the row.
    /// </summary>
    public partial class NoEmptyCardNoticeOnInsert : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SlotRowFunction(
            "TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW.content_id, NEW.slot))"));

        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(SlotRowFunction(
            "TG_OP = 'DELETE' OR (OLD.content_id, OLD.slot) IS DISTINCT FROM (NEW.content_id, NEW.slot)"));

        // The two versions differ only in when the old slot is announced.
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
