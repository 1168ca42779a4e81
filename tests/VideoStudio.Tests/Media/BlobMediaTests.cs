using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Media;

namespace VideoStudio.Tests.Media;

/// <summary>
/// The app with Studio:Media:Provider=AzureBlob against Azurite (started by test.sh), reached through a relay that a test can
/// cut as if Azurite stopped. Each host has a media folder of its own that must stay empty of videos: nothing is shared
/// through a disk. A member's video comes from a redirect to a read-only link of that one blob, as a browser follows it.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class BlobMediaTests : IAsyncLifetime
{
    private readonly StudioApp _app = StudioApp.Instance;
    private readonly TcpRelay _relay = new(Azurite.Endpoint);
    private readonly string _container = Azurite.NewContainer();
    private readonly List<string> _folders = [];
    private readonly List<WebApplicationFactory<Program>> _hosts = [];

    /// <summary>A client that reaches Azurite directly, as a browser does once the app sent it to a link.</summary>
    private static readonly HttpClient Browser = new();

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

    /// <summary>
    /// What a player does with <c>/media/{key}</c>: the app answers with a redirect to a link of the store, and the file's
    /// bytes (or part of them, or 304) come from there.
    /// </summary>
    private static async Task<(HttpResponseMessage Redirect, HttpResponseMessage File)> PlayAsync(HttpClient web, string url, Action<HttpRequestHeaders>? headers = null)
    {
        using var ask = new HttpRequestMessage(HttpMethod.Get, url);
        headers?.Invoke(ask.Headers);
        var redirect = await web.SendAsync(ask);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        using var follow = new HttpRequestMessage(HttpMethod.Get, redirect.Headers.Location);
        headers?.Invoke(follow.Headers);
        return (redirect, await Browser.SendAsync(follow));
    }

    private static async Task<byte[]> BytesAsync(HttpClient web, string url) => await (await PlayAsync(web, url)).File.Content.ReadAsByteArrayAsync();

    /// <summary>The link's query, parsed.</summary>
    private static Dictionary<string, string> Sas(Uri link) =>
        link.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

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
        var asked = DateTimeOffset.UtcNow;
        var (redirect, part) = await PlayAsync(web2, $"/media/{asset.StorageKey}", h => h.Range = new RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(video[100..200], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal("private, max-age=31536000, immutable", part.Headers.NonValidated["Cache-Control"].ToString());
        // Read-only, this one blob, for at most an hour; the redirect is kept by this browser only, and never past the link.
        var link = redirect.Headers.Location!;
        var sas = Sas(link);
        Assert.Equal(($"/devstoreaccount1/{_container}/{asset.StorageKey}", "r", "b"), (link.AbsolutePath, sas["sp"], sas["sr"]));
        var expires = DateTimeOffset.Parse(sas["se"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, asked.AddMinutes(30).AddSeconds(-1), asked.AddHours(1).AddSeconds(1));
        var cached = redirect.Headers.CacheControl!;
        Assert.True(cached.Private && !cached.Public && cached.MaxAge is { } age && asked + age <= expires - TimeSpan.FromMinutes(30), $"Cache-Control: {cached}");
        var whole = (await PlayAsync(web2, $"/media/{asset.StorageKey}")).File;
        Assert.Equal(video, await whole.Content.ReadAsByteArrayAsync());
        var (_, reload) = await PlayAsync(web2, $"/media/{asset.StorageKey}", h => h.IfNoneMatch.Add(whole.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, reload.StatusCode);
        Assert.Empty(await reload.Content.ReadAsByteArrayAsync());
        // History's Download: the store answers with the name the member may save it under.
        var (_, download) = await PlayAsync(web2, $"/media/{asset.StorageKey}?download=1");
        var saved = download.Content.Headers.ContentDisposition;
        Assert.True(saved is { DispositionType: "attachment", FileName: { } name } && name.Trim('"').EndsWith(".mp4", StringComparison.Ordinal), $"Content-Disposition: {saved}");
        Assert.Equal(video, await download.Content.ReadAsByteArrayAsync());
        // The link opens nothing but its blob, not even the poster beside it.
        Assert.Equal(HttpStatusCode.Forbidden, (await Browser.GetAsync(new UriBuilder(link) { Path = $"/devstoreaccount1/{_container}/{asset.PosterKey}" }.Uri)).StatusCode);
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
        Assert.Equal(Videos.WebM, await BytesAsync(web2, $"/media/{asset.StorageKey}"));
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
        Assert.Equal(video, await BytesAsync(web, $"/media/{after.StorageKey}"));
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
        var played = await BytesAsync(web, $"/media/{asset.StorageKey}");
        Assert.Equal(asset.Sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(played)), ignoreCase: true);
    }

    [Fact]
    public void Links_asked_for_in_one_half_hour_are_one_URL_with_at_least_half_an_hour_left_and_an_API_link_ends_with_its_own()
    {
        var store = new BlobMediaStore(Options.Create(new BlobOptions { ConnectionString = Azurite.ConnectionString, Container = _container }));
        var key = $"{Guid.NewGuid():N}.mp4";
        var hour = new DateTimeOffset(2026, 12, 2, 18, 0, 0, TimeSpan.Zero);

        var first = store.PlaybackLinkFor(key, "inline", hour.AddMinutes(1), null)!;
        var later = store.PlaybackLinkFor(key, "inline", hour.AddMinutes(29).AddSeconds(59), null)!;
        var next = store.PlaybackLinkFor(key, "inline", hour.AddMinutes(30), null)!;
        var api = store.PlaybackLinkFor(key, "inline", hour.AddMinutes(1), hour.AddMinutes(16))!;

        Assert.Equal(first.Url, later.Url);
        Assert.Equal((hour.AddMinutes(30), hour.AddHours(1)), (first.SameUntil, first.ExpiresAt));
        Assert.NotEqual(first.Url, next.Url);
        Assert.Equal((hour.AddHours(1), hour.AddHours(1.5)), (next.SameUntil, next.ExpiresAt));
        Assert.Equal((hour.AddMinutes(1), hour.AddMinutes(16)), (api.SameUntil, api.ExpiresAt));
        Assert.Equal("2026-12-02T18:16:00Z", Sas(api.Url)["se"]);
        // Posters and captions are small and go through the app.
        Assert.Null(store.PlaybackLinkFor($"{Guid.NewGuid():N}.poster.jpg", "inline", hour, null));
        Assert.Null(store.PlaybackLinkFor($"{Guid.NewGuid():N}.captions.vtt", "inline", hour, null));
    }

    [Fact]
    public async Task An_API_file_link_is_sent_on_to_a_store_link_that_ends_with_it_and_is_kept_by_no_cache()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var host = Host();
        var web = await SignedInAsync(host, tenant);
        var page = await web.GetDocumentAsync($"/content/{id}");
        Assert.Equal(HttpStatusCode.OK, (await web.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(Videos.Mp4, "clip.mp4"))).StatusCode);
        var asset = await CurrentAsync(id, VideoSlot.Long);
        var link = host.Services.GetRequiredService<FileLinks>().For(asset.StorageKey);
        var anonymous = host.CreateBrowserlessClient();

        var (redirect, file) = await PlayAsync(anonymous, link.Url, h => h.Range = new RangeHeaderValue(0, 99));

        Assert.True(redirect.Headers.CacheControl is { NoStore: true, Private: true }, $"Cache-Control: {redirect.Headers.CacheControl}");
        Assert.Equal(link.ExpiresAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), Sas(redirect.Headers.Location!)["se"]);
        Assert.Equal(Videos.Mp4[..100], await file.Content.ReadAsByteArrayAsync());
        // Without its link, or with another file's, the store's address is never handed out.
        var other = await anonymous.GetAsync($"/media/{asset.PosterKey}{link.Url[link.Url.IndexOf('?')..]}");
        var bare = await anonymous.GetAsync($"/media/{asset.StorageKey}");
        Assert.All(new[] { other, bare }, r => Assert.False(r.Headers.Location?.Port == Azurite.Endpoint.Port || r.Headers.Location?.Port == _relay.Port, $"{r.StatusCode} to {r.Headers.Location}"));
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
