using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using VideoStudio.Core.Data;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// A row put into webhook_outbox also sends NOTIFY webhook_outbox on commit, so the workers' fan-out wakes at once
    /// instead of polling the table every second. PostgreSQL folds the notices of one transaction into one. Only SQL
    /// changes here, so the model is that of the migration before.
    /// </summary>
    [DbContext(typeof(StudioDb))]
    [Migration("20261202181000_WebhookOutboxNotify")]
    public partial class WebhookOutboxNotify : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION video_events_to_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.business_id = NEW.business_id AND e.disabled_at IS NULL) THEN
                        INSERT INTO webhook_outbox (video_event_id) VALUES (NEW.id);
                        PERFORM pg_notify('webhook_outbox', '');
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION video_events_to_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.business_id = NEW.business_id AND e.disabled_at IS NULL) THEN
                        INSERT INTO webhook_outbox (video_event_id) VALUES (NEW.id);
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }
    }
}
