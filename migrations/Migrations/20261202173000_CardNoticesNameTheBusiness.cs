using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using VideoStudio.Core.Data;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// A card notice names the business of its content item, '&lt;content id&gt;:&lt;slot&gt;:&lt;business id&gt;', so a web process
    /// wakes only the streams of that business (and of that item) instead of every open stream. The business is the one the
    /// item has once the change is made; an item moved away still reaches its own open pages, which follow the item itself.
    /// Only SQL changes here, so the model is that of the migration before.
    /// </summary>
    [DbContext(typeof(StudioDb))]
    [Migration("20261202173000_CardNoticesNameTheBusiness")]
    public partial class CardNoticesNameTheBusiness : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Functions(
            "changed_content::text || ':' || changed_slot || coalesce(':' || (SELECT business_id::text FROM content WHERE id = changed_content), '')",
            "OLD.id::text || ':long:' || OLD.business_id::text",
            "OLD.id::text || ':short:' || OLD.business_id::text"));

        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Functions(
            "changed_content::text || ':' || changed_slot",
            "OLD.id::text || ':long'",
            "OLD.id::text || ':short'"));

        private static string Functions(string changed, string deletedLong, string deletedShort) => $"""
            CREATE OR REPLACE FUNCTION card_changed(changed_content uuid, changed_slot text) RETURNS void LANGUAGE sql AS $$
                INSERT INTO card_versions (content_id, slot, version) VALUES (changed_content, changed_slot, 1)
                ON CONFLICT (content_id, slot) DO UPDATE SET version = card_versions.version + 1;
                SELECT pg_notify('video_card_changed', {changed});
            $$;

            CREATE OR REPLACE FUNCTION notify_video_card_changed_by_content_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('video_card_changed', {deletedLong});
                PERFORM pg_notify('video_card_changed', {deletedShort});
                RETURN NULL;
            END $$;
            """;
    }
}
