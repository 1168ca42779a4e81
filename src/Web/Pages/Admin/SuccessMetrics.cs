using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Pages.Admin;

/// <summary>The spec's success metrics, computed in PostgreSQL from video_events and video_generations.</summary>
public sealed record SuccessMetrics(int Days, Totals Total, IReadOnlyList<ErrorCount> Errors, IReadOnlyList<DailyFigures> Daily)
{
    public static async Task<SuccessMetrics> LoadAsync(StudioDb db, int days, Guid? businessId, CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow.Date.AddDays(1 - days);
        var sinceUtc = new DateTimeOffset(since, TimeSpan.Zero);

        var total = await db.Database.SqlQuery<Totals>($"""
            WITH e AS (
                SELECT * FROM video_events WHERE at >= {sinceUtc} AND ({businessId}::uuid IS NULL OR business_id = {businessId}::uuid)
            ), g AS (
                SELECT g.* FROM video_generations g JOIN content c ON c.id = g.content_id
                WHERE g.created_at >= {sinceUtc} AND ({businessId}::uuid IS NULL OR c.business_id = {businessId}::uuid)
            )
            SELECT
                (SELECT count(*) FROM e WHERE kind = 'upload' AND outcome = 'started')::int AS uploads_started,
                (SELECT count(*) FROM e WHERE kind = 'upload' AND outcome = 'succeeded')::int AS uploads_succeeded,
                (SELECT count(*) FROM e WHERE kind = 'upload' AND outcome = 'failed')::int AS uploads_failed,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FROM e WHERE kind = 'upload' AND outcome = 'succeeded') AS upload_ms_p50,
                (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM e WHERE kind = 'upload' AND outcome = 'succeeded') AS upload_ms_p95,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY bytes / 1048576.0 / (duration_ms / 1000.0))
                    FROM e WHERE kind = 'upload' AND outcome = 'succeeded' AND duration_ms > 0 AND bytes > 0) AS upload_mb_per_second_p50,
                (SELECT count(*) FROM g)::int AS generations_started,
                (SELECT count(*) FROM g WHERE status = 'completed')::int AS generations_completed,
                (SELECT count(*) FROM g WHERE status IN ('failed', 'timed_out'))::int AS generations_failed,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)) FROM g WHERE status = 'completed') AS generation_seconds_p50,
                (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)) FROM g WHERE status = 'completed') AS generation_seconds_p95
            """).SingleAsync(ct);

        var errors = await db.Database.SqlQuery<ErrorCount>($"""
            SELECT 'Upload' AS operation, coalesce(error_kind, 'unknown') AS kind, count(*)::int AS count
            FROM video_events
            WHERE kind = 'upload' AND outcome = 'failed' AND at >= {sinceUtc} AND ({businessId}::uuid IS NULL OR business_id = {businessId}::uuid)
            GROUP BY 2
            UNION ALL
            SELECT 'AI generation', coalesce(g.error_code, g.status), count(*)::int
            FROM video_generations g JOIN content c ON c.id = g.content_id
            WHERE g.status IN ('failed', 'timed_out') AND g.created_at >= {sinceUtc} AND ({businessId}::uuid IS NULL OR c.business_id = {businessId}::uuid)
            GROUP BY 2
            ORDER BY 3 DESC
            """).ToListAsync(ct);

        var daily = await db.Database.SqlQuery<DailyFigures>($"""
            SELECT d::date AS day,
                (SELECT count(*) FROM video_events e WHERE e.kind = 'upload' AND e.outcome = 'started' AND e.at >= d AND e.at < d + interval '1 day'
                    AND ({businessId}::uuid IS NULL OR e.business_id = {businessId}::uuid))::int AS uploads_started,
                (SELECT count(*) FROM video_events e WHERE e.kind = 'upload' AND e.outcome = 'succeeded' AND e.at >= d AND e.at < d + interval '1 day'
                    AND ({businessId}::uuid IS NULL OR e.business_id = {businessId}::uuid))::int AS uploads_succeeded,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY e.duration_ms) FROM video_events e WHERE e.kind = 'upload' AND e.outcome = 'succeeded'
                    AND e.at >= d AND e.at < d + interval '1 day' AND ({businessId}::uuid IS NULL OR e.business_id = {businessId}::uuid)) AS upload_ms_p50,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY e.bytes / 1048576.0 / (e.duration_ms / 1000.0)) FROM video_events e
                    WHERE e.kind = 'upload' AND e.outcome = 'succeeded' AND e.duration_ms > 0 AND e.bytes > 0
                    AND e.at >= d AND e.at < d + interval '1 day' AND ({businessId}::uuid IS NULL OR e.business_id = {businessId}::uuid)) AS upload_mb_per_second_p50,
                (SELECT count(*) FROM video_events e WHERE e.outcome = 'failed' AND e.at >= d AND e.at < d + interval '1 day'
                    AND ({businessId}::uuid IS NULL OR e.business_id = {businessId}::uuid))::int AS failures,
                (SELECT count(*) FROM video_generations g JOIN content c ON c.id = g.content_id WHERE g.created_at >= d AND g.created_at < d + interval '1 day'
                    AND ({businessId}::uuid IS NULL OR c.business_id = {businessId}::uuid))::int AS generations_started,
                (SELECT count(*) FROM video_generations g JOIN content c ON c.id = g.content_id WHERE g.status = 'completed' AND g.created_at >= d AND g.created_at < d + interval '1 day'
                    AND ({businessId}::uuid IS NULL OR c.business_id = {businessId}::uuid))::int AS generations_completed,
                (SELECT count(*) FROM video_generations g JOIN content c ON c.id = g.content_id WHERE g.status IN ('failed', 'timed_out') AND g.created_at >= d AND g.created_at < d + interval '1 day'
                    AND ({businessId}::uuid IS NULL OR c.business_id = {businessId}::uuid))::int AS generations_failed,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM g.finished_at - g.created_at)) FROM video_generations g JOIN content c ON c.id = g.content_id
                    WHERE g.status = 'completed' AND g.created_at >= d AND g.created_at < d + interval '1 day'
                    AND ({businessId}::uuid IS NULL OR c.business_id = {businessId}::uuid)) AS generation_seconds_p50
            FROM generate_series({sinceUtc}, now(), interval '1 day') AS d
            ORDER BY d
            """).ToListAsync(ct);

        return new SuccessMetrics(days, total, errors, daily);
    }
}

public sealed record Totals(
    int UploadsStarted, int UploadsSucceeded, int UploadsFailed, double? UploadMsP50, double? UploadMsP95, double? UploadMbPerSecondP50,
    int GenerationsStarted, int GenerationsCompleted, int GenerationsFailed, double? GenerationSecondsP50, double? GenerationSecondsP95)
{
    public double? UploadCompletionRate => UploadsStarted == 0 ? null : (double)UploadsSucceeded / UploadsStarted;
    public double? GenerationCompletionRate => GenerationsStarted == 0 ? null : (double)GenerationsCompleted / GenerationsStarted;
    public double? GenerationSuccessRate => GenerationsCompleted + GenerationsFailed == 0 ? null : (double)GenerationsCompleted / (GenerationsCompleted + GenerationsFailed);
    public double? ErrorRate => UploadsStarted + GenerationsStarted == 0 ? null : (double)(UploadsFailed + GenerationsFailed) / (UploadsStarted + GenerationsStarted);
}

public sealed record ErrorCount(string Operation, string Kind, int Count);

public sealed record DailyFigures(
    DateTime Day, int UploadsStarted, int UploadsSucceeded, double? UploadMsP50, double? UploadMbPerSecondP50, int Failures,
    int GenerationsStarted, int GenerationsCompleted, int GenerationsFailed, double? GenerationSecondsP50)
{
    public double? CompletionRate => UploadsStarted + GenerationsStarted == 0 ? null
        : (double)(UploadsSucceeded + GenerationsCompleted) / (UploadsStarted + GenerationsStarted);
    public double? GenerationSuccessRate => GenerationsCompleted + GenerationsFailed == 0 ? null
        : (double)GenerationsCompleted / (GenerationsCompleted + GenerationsFailed);
}
