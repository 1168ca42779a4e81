using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Jobs;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

/// <summary>Hangfire's queue on the app's own PostgreSQL storage, as every process configures it.</summary>
public class JobStorageTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public void A_job_whose_worker_was_killed_mid_run_is_offered_again_in_seconds_not_minutes()
    {
        var storage = _app.Services.GetRequiredService<JobStorage>();
        // A queue of its own: no other test's job is fetched, and nothing in the test host runs jobs.
        const string queue = "killed_worker_test";
        var jobId = new BackgroundJobClient(storage).Create(Job.FromExpression(() => Console.WriteLine("never run")), new EnqueuedState(queue));

        using var connection = storage.GetConnection();
        using var first = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var fetched = connection.FetchNextJob([queue], first.Token);
        Assert.Equal(jobId, fetched.JobId);
        // A kill -9: no heartbeat keeps the fetch alive from now on, and nothing removes or requeues the job.

        // The invisibility timeout (15 s), at most one queue poll interval (5 s), and a margin for a busy machine; it was 60 s.
        using var second = new CancellationTokenSource(TimeSpan.FromSeconds(25));
        var again = connection.FetchNextJob([queue], second.Token);

        Assert.Equal(jobId, again.JobId);
        again.RemoveFromQueue();
    }

    [Fact]
    public async Task A_job_lock_left_by_a_worker_killed_mid_state_change_is_broken_after_half_a_minute_not_ten()
    {
        var storage = _app.Services.GetRequiredService<JobStorage>();
        var client = new BackgroundJobClient(storage);
        // Scheduled, so it sits in no queue another test fetches from.
        var jobId = client.Create(Job.FromExpression(() => Console.WriteLine("never run")), new ScheduledState(TimeSpan.FromHours(1)));
        // What a worker killed while moving the job to Processing leaves in Hangfire.PostgreSql's lock table.
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ({0}, 0, now() - interval '31 seconds')", $"hangfire:job:{jobId}:state-lock"));

        var changed = Task.Run(() => client.ChangeState(jobId, new DeletedState()));

        Assert.True(await changed.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_job_lock_held_by_another_process_is_waited_for_and_taken_once_let_go()
    {
        var storage = _app.Services.GetRequiredService<JobStorage>();
        var client = new BackgroundJobClient(storage);
        var jobId = client.Create(Job.FromExpression(() => Console.WriteLine("never run")), new ScheduledState(TimeSpan.FromHours(1)));
        // Another process in the middle of a state change: its lock row is fresh.
        var resource = $"hangfire:job:{jobId}:state-lock";
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ({0}, 0, now())", resource));

        var changed = Task.Run(() => client.ChangeState(jobId, new DeletedState()));

        // Many of the storage's quick retries fit in this wait; none may take the lock while its row is there.
        await Task.Delay(StudioJobStorage.RetryEvery * 25);
        Assert.False(changed.IsCompleted);
        using (var connection = storage.GetConnection())
        {
            Assert.Equal(ScheduledState.StateName, connection.GetStateData(jobId).Name);
        }

        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM hangfire.lock WHERE resource = {0}", resource));

        Assert.True(await changed.WaitAsync(TimeSpan.FromSeconds(10)));
        using (var connection = storage.GetConnection())
        {
            Assert.Equal(DeletedState.StateName, connection.GetStateData(jobId).Name);
        }
        Assert.Contains(_app.Logs.Lines, line => line.Contains($"job:{jobId}:state-lock was held; taken after", StringComparison.Ordinal));
    }
}
