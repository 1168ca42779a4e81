using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Media;

/// <summary>
/// The app with Studio:Media:Provider=AzureBlob against Azurite (started by test.sh), reached through a relay that a test can
/// cut as if Azurite stopped. Each host has a media folder of its own that must stay empty of videos: nothing is shared
/// through a disk.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class BlobMediaTests : IAsyncLifetime
{
    private readonly StudioApp _app = StudioApp.Instance;
    private readonly TcpRelay _relay = new(Azurite.Endpoint);
    private readonly string _container = Azurite.NewContainer();
    private readonly List<string> _folders = [];
    private readonly List<WebApplicationFactory<Program>> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        await _relay.DisposeAsync();
        // No process kept a video on its own disk.
        Assert.All(_folders, folder => Assert.DoesNotContain(Directory.GetFiles(folder, "*.*", SearchOption.AllDirectories),
            f => VideoFormat.FromExtension(Path.GetExtension(f).TrimStart('.')) is not null || f.EndsWith(".upload", StringComparison.Ordinal)));
    }

    /// <summary>Another web process on the same database and the same container, with its own empty media folder.</summary>
    private WebApplicationFactory<Program> Host()
    {
        var folder = StudioTestHost.NewMediaRoot();
        _folders.Add(folder);
        var host = _app.WithWebHostBuilder(b => b.UseSetting("Studio:MediaRoot", folder).UseBlobMedia(Azurite.Through(_relay), _container));
        _hosts.Add(host);
        return host;
    }

    private static async Task<HttpClient> SignedInAsync(WebApplicationFactory<Program> host, Tenant tenant)
    {
        var client = host.CreateBrowserlessClient();
        await client.SignInAsync(tenant.Email, tenant.Password);
        return client;
    }

    private Task<VideoAsset> CurrentAsync(Guid contentId, VideoSlot slot) =>
        _app.WithDbAsync(db => db.VideoAssets.AsNoTracking().SingleAsync(a => a.ContentId == contentId && a.Slot == slot && a.ReplacedAt == null && a.DeletedAt == null));

    [Fact]
    public async Task An_upload_in_chunks_on_one_process_plays_with_ranges_and_caching_from_another()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var web1 = await SignedInAsync(Host(), tenant);
        var web2 = await SignedInAsync(Host(), tenant);
        var video = Videos.Mp4;
        var tus = new Tus(web1, await web1.GetDocumentAsync($"/content/{id}"));
        var url = await tus.StartAsync(id, "long", video.Length);

        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(url, 0, video.AsMemory(0, 20_000))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(url, 20_000, video.AsMemory(20_000))).StatusCode);

        var asset = await CurrentAsync(id, VideoSlot.Long);
        Assert.Equal(Tus.IdOf(url), asset.Id);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(video)), asset.Sha256, ignoreCase: true);
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/media/{asset.StorageKey}");
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await web2.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(video[100..200], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal("private, max-age=31536000, immutable", part.Headers.NonValidated["Cache-Control"].ToString());
        var whole = await web2.GetAsync($"/media/{asset.StorageKey}");
        Assert.Equal(video, await whole.Content.ReadAsByteArrayAsync());
        using var reload = new HttpRequestMessage(HttpMethod.Get, $"/media/{asset.StorageKey}");
        reload.Headers.IfNoneMatch.Add(whole.Headers.ETag!);
        var cached = await web2.SendAsync(reload);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        Assert.Empty(await cached.Content.ReadAsByteArrayAsync());
        var poster = await web2.GetAsync($"/media/{asset.PosterKey}");
        Assert.Equal(PosterFormat.Jpeg, PosterFormat.Detect(await poster.Content.ReadAsByteArrayAsync()));

        // A member of another business hears nothing of it.
        var stranger = await SignedInAsync(_hosts[1], await _app.CreateTenantAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/media/{asset.StorageKey}")).StatusCode);
    }

    [Fact]
    public async Task A_single_upload_is_stored_as_one_blob_and_replaces_the_video_for_every_process()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var web1 = await SignedInAsync(Host(), tenant);
        var web2 = await SignedInAsync(Host(), tenant);
        var page = await web1.GetDocumentAsync($"/content/{id}");

        var response = await web1.HtmxPostAsync(page, Videos.UploadUrl(id, "short"), Videos.Multipart(Videos.WebM, "portrait.webm", "video/webm"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var asset = await CurrentAsync(id, VideoSlot.Short);
        Assert.Equal(Videos.WebM, await (await web2.GetAsync($"/media/{asset.StorageKey}")).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task With_the_store_stopped_mid_upload_the_editor_is_told_the_video_stays_and_the_upload_resumes_once_it_is_back()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var host = Host();
        var web = await SignedInAsync(host, tenant);
        var page = await web.GetDocumentAsync($"/content/{id}");
        Assert.Equal(HttpStatusCode.OK, (await web.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(Videos.Mp4, "before.mp4"))).StatusCode);
        var before = await CurrentAsync(id, VideoSlot.Long);
        var video = Videos.PaddedMp4Head(60_000);
        Array.Resize(ref video, 60_000);
        var tus = new Tus(web, page);
        var url = await tus.StartAsync(id, "long", video.Length, "after.mp4");
        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(url, 0, video.AsMemory(0, 40_000))).StatusCode);

        _relay.Cut();
        var paused = await tus.PatchAsync(url, 40_000, video.AsMemory(40_000));
        var single = await web.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(Videos.Mp4, "other.mp4"));
        var health = await web.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, paused.StatusCode);
        Assert.Equal(MediaStore.UnavailableMessage, await paused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, single.StatusCode);
        Assert.Contains(Web.Pages.Content.VideoUpload.SingleUploadUnavailableMessage, (await single.FragmentAsync()).Body!.TextContent);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(before.Id, (await CurrentAsync(id, VideoSlot.Long)).Id);
        Assert.Equal(40_000, Tus.Offset(await tus.HeadAsync(url)));

        _relay.Restore();
        var resumed = await tus.PatchAsync(url, 40_000, video.AsMemory(40_000));

        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var after = await CurrentAsync(id, VideoSlot.Long);
        Assert.Equal(Tus.IdOf(url), after.Id);
        Assert.Equal(video, await (await web.GetAsync($"/media/{after.StorageKey}")).Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task With_the_store_stopped_during_an_AI_download_the_job_tries_again_and_completes_once_it_is_back()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var generationId = await tenant.QueueGenerationAsync(id, VideoSlot.Long);
        var worker = Host();
        Assert.NotNull(await worker.Services.StepGenerationAsync(generationId));

        _relay.Cut();
        for (var step = 0; step < 5; step++)
        {
            Assert.NotNull(await worker.Services.StepGenerationAsync(generationId));
        }
        Assert.True((await _app.GenerationAsync(generationId)).Status.IsActive());

        _relay.Restore();
        while (await worker.Services.StepGenerationAsync(generationId) is not null)
        {
        }

        var done = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, done.Status);
        var asset = await CurrentAsync(id, VideoSlot.Long);
        var web = await SignedInAsync(Host(), tenant);
        var played = await web.GetAsync($"/media/{asset.StorageKey}");
        Assert.Equal(asset.Sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await played.Content.ReadAsByteArrayAsync())), ignoreCase: true);
    }

    [Fact]
    public async Task The_health_check_names_the_store_and_says_when_it_does_not_answer()
    {
        var admin = await _app.CreateTenantAsync(siteAdmin: true);
        var web = await SignedInAsync(Host(), admin);

        var up = JsonDocument.Parse(await (await web.GetAsync("/healthz")).Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("media");
        _relay.Cut();
        var response = await web.GetAsync("/healthz");
        var down = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("media");
        _relay.Restore();

        Assert.Equal("Healthy", up.GetProperty("status").GetString());
        Assert.Contains($"Azure Blob Storage (container \"{_container}\"", up.GetProperty("Description").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", down.GetProperty("status").GetString());
    }
}
