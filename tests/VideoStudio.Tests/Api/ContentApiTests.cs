using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.Api;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Api;

/// <summary>The JSON API over real HTTP: the same rules, the same history and the same live updates as the pages.</summary>
[Collection(MediaCollection.Name)]
public class ContentApiTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task An_item_created_by_the_api_is_the_item_the_page_shows()
    {
        var tenant = await _app.CreateTenantAsync();
        var api = await tenant.ApiClientAsync();

        var created = await api.PostAsJsonAsync("/api/v1/content", new { title = "  Spring menu  ", mainScript = "Main\r\ntext", shortScript = " " });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = await created.JsonAsync();
        var id = item.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/content/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("Spring menu", item.GetProperty("title").GetString());
        Assert.Equal("Main\ntext", item.GetProperty("mainScript").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("shortScript").ValueKind);
        Assert.Equal("not-configured", item.GetProperty("long").GetProperty("state").GetString());
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        Assert.Contains("Spring menu", page.QuerySelector("h1")!.TextContent);

        var updated = await api.PatchAsJsonAsync($"/api/v1/content/{id}", new { shortScript = "Short text", title = "Summer menu" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var stored = await _app.WithDbAsync(db => db.Content.SingleAsync(c => c.Id == id));
        Assert.Equal(("Summer menu", "Main\ntext", "Short text"), (stored.Title, stored.VideoScript, stored.ShortVideoScript));

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/content/{id}/archive", null)).StatusCode);
        var archived = await (await api.GetAsync("/api/v1/content?state=archived")).JsonAsync();
        Assert.Equal(id, archived.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(0, (await (await api.GetAsync("/api/v1/content")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Bad_input_is_answered_with_problem_details_that_say_what_to_fix()
    {
        var tenant = await _app.CreateTenantAsync();
        var api = await tenant.ApiClientAsync();
        var id = await tenant.CreateContentAsync();

        var noTitle = await (await api.PostAsJsonAsync("/api/v1/content", new { mainScript = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Enter a title.", noTitle.GetProperty("errors").GetProperty("title")[0].GetString());

        var tooLong = await (await api.PatchAsJsonAsync($"/api/v1/content/{id}", new { mainScript = new string('x', 100_001) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("the limit is 100,000", tooLong.GetProperty("errors").GetProperty("mainScript")[0].GetString());

        var notJson = await api.PostAsync("/api/v1/content", new StringContent("{\"title\": ", System.Text.Encoding.UTF8, "application/json"));
        await notJson.AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await api.GetAsync($"/api/v1/content/{id}/slots/sideways")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.GetAsync("/api/v1/content?state=purple")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await api.GetAsync("/api/v1/no-such-thing")).AssertProblemAsync(HttpStatusCode.NotFound);
        var refused = await (await api.PostAsync($"/api/v1/content/{id}/slots/long/generate", null)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("HeyGen", refused.GetProperty("detail").GetString());

        Assert.Equal("A content item", (await _app.WithDbAsync(db => db.Content.SingleAsync(c => c.Id == id))).Title);
    }

    [Fact]
    public async Task Generate_with_the_same_idempotency_key_returns_the_same_generation()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var api = await tenant.ApiClientAsync();

        var first = await GenerateAsync(api, id, "long", "key-1");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var generation = (await first.JsonAsync()).GetProperty("id").GetGuid();
        await _app.DriveAsync(generation);
        // The answer was lost, the render finished meanwhile, and the client sends the same request again.
        var again = await GenerateAsync(api, id, "long", "key-1");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var replayed = await again.JsonAsync();
        Assert.Equal(generation, replayed.GetProperty("id").GetGuid());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("completed", replayed.GetProperty("status").GetString());
        Assert.Equal(1, await _app.WithDbAsync(db => db.VideoGenerations.CountAsync(g => g.ContentId == id)));
        var started = await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id && e.Outcome == VideoEventLog.Started).ToListAsync());
        Assert.Equal((VideoEventLog.Generation, tenant.UserId), (started.Single().Kind, started.Single().UserId));

        var fresh = await GenerateAsync(api, id, "long", "key-2");
        Assert.NotEqual(generation, (await fresh.JsonAsync()).GetProperty("id").GetGuid());
        Assert.Equal(2, await _app.WithDbAsync(db => db.VideoGenerations.CountAsync(g => g.ContentId == id)));

        var otherSlot = await GenerateAsync(api, id, "short", "key-1");
        await otherSlot.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var slot = await (await api.GetAsync($"/api/v1/content/{id}/slots/long")).JsonAsync();
        Assert.Equal("generating", slot.GetProperty("state").GetString());
        Assert.NotEqual(generation, slot.GetProperty("generation").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_idempotency_key_older_than_a_day_no_longer_replays_and_its_record_is_removed()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var api = await tenant.ApiClientAsync();
        var first = (await (await GenerateAsync(api, id, "long", "day-old")).JsonAsync()).GetProperty("id").GetGuid();
        await _app.DriveAsync(first);
        var kept = (await (await GenerateAsync(api, id, "short", "fresh")).JsonAsync()).GetProperty("id").GetGuid();
        await _app.WithDbAsync(db => db.ApiIdempotencyKeys.Where(k => k.GenerationId == first)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.CreatedAt, x => x.CreatedAt - ApiIdempotencyKey.Lifetime - TimeSpan.FromMinutes(1))));

        var again = await GenerateAsync(api, id, "long", "day-old");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        var second = (await again.JsonAsync()).GetProperty("id").GetGuid();
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await _app.WithDbAsync(db => db.ApiIdempotencyKeys.SingleAsync(k => k.ContentId == id && k.Key == "day-old"))).GenerationId);

        // The hourly cleanup: an expired record goes, a fresh one stays, and a second run finds nothing more to do.
        await _app.WithDbAsync(db => db.ApiIdempotencyKeys.Where(k => k.GenerationId == second)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.CreatedAt, x => x.CreatedAt - ApiIdempotencyKey.Lifetime - TimeSpan.FromMinutes(1))));
        for (var run = 0; run < 2; run++)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IdempotencyKeyExpiry>().RunAsync(CancellationToken.None);
        }
        var left = await _app.WithDbAsync(db => db.ApiIdempotencyKeys.Where(k => k.ContentId == id).Select(k => k.GenerationId).ToListAsync());
        Assert.Equal([kept], left);
    }

    [Fact]
    public async Task Delete_and_restore_go_through_the_slot_history_like_the_page()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var asset = await _app.Seed.VideoAsync(id, VideoSlot.Long, Fixtures.SampleMp4);
        var api = await tenant.ApiClientAsync();

        var deleted = await (await api.DeleteAsync($"/api/v1/content/{id}/slots/long/video")).JsonAsync();
        Assert.Equal("empty", deleted.GetProperty("state").GetString());
        await (await api.DeleteAsync($"/api/v1/content/{id}/slots/long/video")).AssertProblemAsync(HttpStatusCode.Conflict);

        var versions = await (await api.GetAsync($"/api/v1/content/{id}/slots/long/versions")).JsonAsync();
        Assert.Equal(asset.Id, versions[0].GetProperty("id").GetGuid());
        Assert.Equal("deleted", versions[0].GetProperty("state").GetString());

        var restored = await api.PostAsync($"/api/v1/content/{id}/slots/long/versions/{asset.Id}/restore", null);
        var slot = await restored.JsonAsync();
        Assert.Equal("video", slot.GetProperty("state").GetString());
        Assert.Equal(asset.Id, slot.GetProperty("assetId").GetGuid());
        var kinds = await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id).OrderBy(e => e.Id).Select(e => e.Kind + ":" + e.UserId).ToListAsync());
        Assert.Equal(new[] { $"delete:{tenant.UserId}", $"restore:{tenant.UserId}" }, kinds.ToArray());
    }

    [Fact]
    public async Task A_video_uploaded_through_the_api_with_tus_is_fetched_by_its_short_lived_link()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var api = await tenant.ApiClientAsync();
        var bytes = Videos.Mp4;

        var create = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/content/{id}/uploads/long");
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", bytes.Length.ToString());
        create.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String("clip.mp4"u8.ToArray()));
        var created = await api.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.OriginalString;
        Assert.StartsWith("/api/v1/uploads/", location);
        var half = bytes.Length / 2;
        foreach (var (offset, length) in new[] { (0, half), (half, bytes.Length - half) })
        {
            var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(bytes, offset, length) };
            patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
            patch.Headers.Add("Tus-Resumable", "1.0.0");
            patch.Headers.Add("Upload-Offset", offset.ToString());
            Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(patch)).StatusCode);
        }

        var slot = await (await api.GetAsync($"/api/v1/content/{id}/slots/long")).JsonAsync();
        Assert.Equal("video", slot.GetProperty("state").GetString());
        Assert.Equal(bytes.Length, slot.GetProperty("sizeBytes").GetInt64());
        var link = slot.GetProperty("file").GetProperty("url").GetString()!;
        var anonymous = _app.CreateBrowserlessClient();
        Assert.Equal(bytes, await anonymous.GetByteArrayAsync(link));
        // The link opens its own file only, and nothing without it.
        var file = link[..link.IndexOf('?')];
        var otherAsset = await _app.Seed.VideoAsync(await tenant.CreateContentAsync(), VideoSlot.Long, Fixtures.SampleMp4);
        var borrowed = await anonymous.GetAsync($"/media/{otherAsset.StorageKey}{link[link.IndexOf('?')..]}");
        Assert.NotEqual(HttpStatusCode.OK, borrowed.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync(file)).StatusCode);
        _app.AssertNoStagedFilesLeft();
    }

    private static Task<HttpResponseMessage> GenerateAsync(HttpClient api, Guid id, string slot, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/content/{id}/slots/{slot}/generate");
        request.Headers.Add("Idempotency-Key", key);
        return api.SendAsync(request);
    }
}
