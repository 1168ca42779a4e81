using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

[Collection(MediaCollection.Name)]
public class TenantIsolationTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Every_route_with_an_id_answers_404_to_another_business_and_changes_nothing()
    {
        var owner = await _app.CreateTenantAsync();
        // An admin of their own business, so that pages for admins refuse them for being strangers, not for being editors.
        var stranger = await _app.CreateTenantAsync(MemberRole.Admin);
        var id = await owner.CreateContentAsync(script: "Owner's words", shortScript: "Owner's short words");
        var ownerPage = await owner.Client.GetDocumentAsync($"/content/{id}");
        var card = (await (await owner.UploadAsync(ownerPage, id, "long", Videos.Mp4, "owner.mp4")).FragmentAsync()).Body!.FirstElementChild!;
        var file = card.QuerySelector("video")!.GetAttribute("src")!["/media/".Length..];
        var upload = await new Tus(owner.Client, ownerPage).StartAsync(id, "short", Videos.Mp4.Length);
        var strangerPage = await stranger.Client.GetDocumentAsync($"/content/{await stranger.CreateContentAsync()}");
        var before = await SnapshotAsync(id);

        // The owner's version: History's handlers (restore, delete for good) name one by assetId.
        var assetId = Guid.ParseExact(file[..file.IndexOf('.')], "N").ToString();
        var strangerApi = await stranger.ApiClientAsync();
        var values = new Dictionary<string, string> { ["versionId"] = Guid.ParseExact(file[..file.IndexOf('.')], "N").ToString(), ["id"] = id.ToString(), ["file"] = file, ["slot"] = "long", ["businessId"] = owner.BusinessId.ToString(), ["assetId"] = assetId, ["uploadId"] = Tus.IdOf(upload).ToString("N") };
        var withIds = (await EndpointCatalog.AllAsync(_app.Services))
            .Where(e => e.Pattern.Contains("{id") || e.Pattern.Contains("{file") || e.Pattern.Contains("{contentId") || e.Pattern.Contains("{generationId") || e.Pattern.Contains("{businessId") || e.Pattern.Contains("{uploadId"))
            .ToList();
        Assert.Contains(withIds, e => e.Pattern.TrimStart('/').StartsWith("media/"));
        Assert.Contains(withIds, e => e.Handler == "Delete");
        Assert.Contains(withIds, e => e.Handler == "Restore");
        Assert.Contains(withIds, e => e.Handler == "History");
        Assert.Contains(withIds, e => e.Pattern.Contains("{uploadId") && e.Method == "PATCH");
        Assert.Contains(withIds, e => e.Pattern.Contains("{businessId") && e.Handler == "Remove");
        Assert.Contains(withIds, e => e.Pattern.StartsWith("/api/v1/content/{id") && e.Pattern.EndsWith("/generate"));
        Assert.Contains(withIds, e => e.Pattern.StartsWith("/api/v1/uploads/{uploadId") && e.Method == "PATCH");

        var leaks = new List<string>();
        foreach (var endpoint in withIds)
        {
            var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url(values));
            if (endpoint.IsUnsafe)
            {
                request.Headers.Add("HX-Request", "true");
                request.Headers.Add("RequestVerificationToken", strangerPage.AntiforgeryHeader());
                request.Content = endpoint.Pattern.Contains("upload")
                    ? Videos.Multipart(Videos.Mp4, "stranger.mp4")
                    : new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "stranger", ["baseHash"] = "" });
            }
            // The API is called as an API client calls it: with the stranger's own token of their own business.
            var api = endpoint.Pattern.TrimStart('/').StartsWith("api/", StringComparison.Ordinal);
            if (api && endpoint.IsUnsafe)
            {
                request.Headers.Add("Tus-Resumable", "1.0.0");
                request.Headers.Add("Upload-Length", "100");
                request.Content = JsonContent.Create(new { title = "stranger", mainScript = "stranger" });
            }
            var response = await (api ? strangerApi : stranger.Client).SendAsync(request);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                leaks.Add($"{endpoint} answered {(int)response.StatusCode}");
            }
        }

        Assert.Empty(leaks);
        Assert.Equal(before, await SnapshotAsync(id));
    }

    private Task<string> SnapshotAsync(Guid id) => _app.WithDbAsync(async db =>
    {
        var content = await db.Content.AsNoTracking().SingleAsync(c => c.Id == id);
        var assets = await db.VideoAssets.Where(a => a.ContentId == id).OrderBy(a => a.Id).Select(a => a.Id + "/" + a.ReplacedAt + "/" + a.DeletedAt + "/" + a.RemovedAt).ToListAsync();
        var generations = await db.VideoGenerations.CountAsync(g => g.ContentId == id);
        var uploads = await db.UploadSessions.Where(u => u.ContentId == id).Select(u => u.Id + "/" + u.Offset).ToListAsync();
        return $"{string.Join(',', uploads)}|{content.VideoScript}|{content.ShortVideoScript}|{content.VideoLongUrl}|{content.VideoShortUrl}|{string.Join(',', assets)}|{generations}";
    });
}
