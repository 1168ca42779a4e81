using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Jobs.Uploads;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

[Collection(MediaCollection.Name)]
public class UploadSweeperTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    private string Staging => Path.Combine(_app.MediaRoot, "tmp");

    private async Task SweepAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UploadSweeper>().RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_expired_upload_loses_its_bytes_and_its_row_and_a_live_one_keeps_both()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var tus = new Tus(tenant.Client, await tenant.Client.GetDocumentAsync($"/content/{id}"));
        var expired = await tus.StartAsync(id, "long", Videos.Mp4.Length);
        var live = await tus.StartAsync(id, "short", Videos.Mp4.Length);
        await tus.PatchAsync(expired, 0, Videos.Mp4.AsMemory(0, 5000));
        await tus.PatchAsync(live, 0, Videos.Mp4.AsMemory(0, 5000));
        await _app.WithDbAsync(db => db.UploadSessions.Where(u => u.Id == Tus.IdOf(expired))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));

        await SweepAsync();
        await SweepAsync();

        Assert.False(File.Exists(Path.Combine(Staging, $"{Tus.IdOf(expired):N}.upload")));
        Assert.Equal(HttpStatusCode.NotFound, (await tus.HeadAsync(expired)).StatusCode);
        Assert.Equal(5000, Tus.Offset(await tus.HeadAsync(live)));
        Assert.True(File.Exists(Path.Combine(Staging, $"{Tus.IdOf(live):N}.upload")));
        await tus.DeleteAsync(live);
    }

    [Fact]
    public async Task Files_a_killed_process_left_behind_are_removed_and_a_running_single_upload_is_not()
    {
        Directory.CreateDirectory(Staging);
        var orphanUpload = Path.Combine(Staging, $"{Guid.NewGuid():N}.upload");
        var oldPart = Path.Combine(Staging, $"{Guid.NewGuid():N}.part");
        var runningPart = Path.Combine(Staging, $"{Guid.NewGuid():N}.part");
        foreach (var path in new[] { orphanUpload, oldPart, runningPart })
        {
            await File.WriteAllBytesAsync(path, new byte[100]);
        }
        File.SetLastWriteTimeUtc(oldPart, DateTime.UtcNow - UploadSweeper.PartAge - TimeSpan.FromMinutes(1));

        await SweepAsync();

        Assert.False(File.Exists(orphanUpload));
        Assert.False(File.Exists(oldPart));
        Assert.True(File.Exists(runningPart));
        File.Delete(runningPart);
    }
}
