using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using VideoStudio.Core.Data;

#nullable disable

namespace VideoStudio.Migrations.Migrations
{
    /// <summary>
    /// Every committed change that may take a reader's open streams away sends NOTIFY live_access_changed '&lt;user id&gt;': a
    /// membership added, changed or removed (deleting a business removes its members), a session ended, the account's security
    /// stamp or site-admin flag changed, the account deleted. The web processes re-check only that reader's streams, so an
    /// idle stream costs no query. A deleted content item sends video_card_changed for both its slots, so its open pages hear
    /// that it is gone. Only SQL changes here, so the model is that of the migration before.
    /// </summary>
    [DbContext(typeof(StudioDb))]
    [Migration("20261202141000_LiveAccessNotifications")]
    public partial class LiveAccessNotifications : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_live_access_changed_by_user_id() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- OLD is null on insert and NEW on delete; PostgreSQL folds the two notices of an update into one.
                    PERFORM pg_notify('live_access_changed', v.user_id) FROM (VALUES (OLD.user_id), (NEW.user_id)) AS v(user_id)
                    WHERE v.user_id IS NOT NULL;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER business_members_notify_live_access_changed
                    AFTER INSERT OR UPDATE OR DELETE ON business_members
                    FOR EACH ROW EXECUTE FUNCTION notify_live_access_changed_by_user_id();

                -- Only an ending: last use is written every few minutes and changes nobody's access.
                CREATE TRIGGER user_sessions_notify_live_access_changed
                    AFTER UPDATE OF ended_at OR DELETE ON user_sessions
                    FOR EACH ROW EXECUTE FUNCTION notify_live_access_changed_by_user_id();

                CREATE FUNCTION notify_live_access_changed_by_user() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('live_access_changed', OLD.id);
                    RETURN NULL;
                END $$;

                CREATE TRIGGER asp_net_users_notify_live_access_changed
                    AFTER UPDATE ON asp_net_users
                    FOR EACH ROW WHEN ((OLD.security_stamp, OLD.is_site_admin) IS DISTINCT FROM (NEW.security_stamp, NEW.is_site_admin))
                    EXECUTE FUNCTION notify_live_access_changed_by_user();

                CREATE TRIGGER asp_net_users_notify_live_access_deleted
                    AFTER DELETE ON asp_net_users
                    FOR EACH ROW EXECUTE FUNCTION notify_live_access_changed_by_user();

                CREATE FUNCTION notify_video_card_changed_by_content_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('video_card_changed', OLD.id::text || ':long');
                    PERFORM pg_notify('video_card_changed', OLD.id::text || ':short');
                    RETURN NULL;
                END $$;

                CREATE TRIGGER content_notify_video_card_deleted
                    AFTER DELETE ON content
                    FOR EACH ROW EXECUTE FUNCTION notify_video_card_changed_by_content_delete();
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER content_notify_video_card_deleted ON content;
                DROP FUNCTION notify_video_card_changed_by_content_delete();
                DROP TRIGGER asp_net_users_notify_live_access_deleted ON asp_net_users;
                DROP TRIGGER asp_net_users_notify_live_access_changed ON asp_net_users;
                DROP FUNCTION notify_live_access_changed_by_user();
                DROP TRIGGER user_sessions_notify_live_access_changed ON user_sessions;
                DROP TRIGGER business_members_notify_live_access_changed ON business_members;
                DROP FUNCTION notify_live_access_changed_by_user_id();
                """);
        }
    }
}
