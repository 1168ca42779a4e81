using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

/// <summary>A slot's History (versions and audit trail), Restore, Undo and the confirmation before Generate over a video.</summary>
[Collection(MediaCollection.Name)]
public class HistoryTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task History_lists_every_version_newest_first_and_what_happened_with_who_and_when()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync(script: "Welcome to the bakery, where every loaf starts the night before.");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "first.mp4");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "second.mp4");
        var generationId = await GenerateAsync(tenant, page, id);
        await _app.DriveAsync(generationId);
        await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Delete&slot=long");

        var history = await HistoryAsync(tenant, id);

        var versions = history.QuerySelectorAll(".history-version");
        Assert.Equal(["deleted", "replaced", "replaced"], versions.Select(v => v.GetAttribute("data-state")));
        Assert.StartsWith("AI video", versions[0].GetAttribute("aria-label"));
        Assert.Contains("“second.mp4”", versions[1].GetAttribute("aria-label"));
        Assert.Contains("“first.mp4”", versions[2].GetAttribute("aria-label"));
        Assert.Contains("Welcome to the bakery", versions[0].TextContent);
        Assert.Contains(HeyGenSim.Avatar, versions[0].TextContent);
        Assert.Contains(HeyGenSim.Voice, versions[0].TextContent);
        Assert.All(versions, v => Assert.Contains("By Test", v.TextContent, StringComparison.OrdinalIgnoreCase));
        Assert.All(versions, v => Assert.NotNull(v.QuerySelector("video[src^='/media/']")));
        Assert.All(versions, v => Assert.NotNull(v.QuerySelector("time[datetime]")));
        Assert.NotNull(versions[0].QuerySelector("video[poster^='/media/']"));

        var trail = history.QuerySelectorAll(".history-trail li").Select(li => (li.GetAttribute("data-kind"), li.GetAttribute("data-outcome"))).ToList();
        Assert.Equal([
            ("delete", "succeeded"), ("generation", "succeeded"), ("generation", "started"),
            ("upload", "succeeded"), ("upload", "started"), ("upload", "succeeded"), ("upload", "started"),
        ], trail);
        var finished = history.QuerySelectorAll(".history-trail li")[1];
        var heyGenId = await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.Id == generationId).Select(g => g.ProviderVideoId).SingleAsync());
        Assert.Contains(heyGenId!, finished.TextContent);
        Assert.Contains("took", finished.TextContent);
        // The link to the job is for site admins only.
        Assert.Empty(history.QuerySelectorAll("a[href^='/hangfire/']"));
    }

    [Fact]
    public async Task A_site_admin_sees_each_render_s_job_in_the_dashboard()
    {
        var tenant = await _app.CreateTenantAsync(siteAdmin: true);
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var generationId = await GenerateAsync(tenant, page, id);

        var history = await HistoryAsync(tenant, id);

        var jobId = await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.Id == generationId).Select(g => g.JobId).SingleAsync());
        Assert.NotNull(jobId);
        Assert.NotNull(history.QuerySelector($"a[href='/hangfire/jobs/details/{jobId}']"));
    }

    [Fact]
    public async Task Restore_makes_an_earlier_version_current_as_a_new_entry_and_the_replaced_one_stays()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "first.mp4");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "second.mp4");
        var first = await AssetAsync(id, "first.mp4");
        var second = await AssetAsync(id, "second.mp4");
        var restoreButton = (await HistoryAsync(tenant, id)).QuerySelector($"#version-{first.Id:N}-restore")!;

        var response = await tenant.Client.HtmxPostAsync(page, restoreButton.GetAttribute("hx-post")!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("#video-card-long", response.Headers.GetValues("HX-Retarget").Single());
        Assert.Equal("history-changed", response.Headers.GetValues("HX-Trigger").Single());
        var card = (await response.FragmentAsync()).QuerySelector("#video-card-long")!;
        Assert.Equal($"/media/{first.StorageKey}", card.QuerySelector("video")!.GetAttribute("src"));
        Assert.StartsWith("Earlier video restored", card.GetAttribute("data-announce"));
        Assert.Equal($"/media/{first.StorageKey}", await LongUrlAsync(id));
        var history = await HistoryAsync(tenant, id);
        Assert.Equal("current", history.QuerySelector($"#version-{first.Id:N}")!.GetAttribute("data-state"));
        Assert.Contains("Current (restored", history.QuerySelector($"#version-{first.Id:N}")!.TextContent);
        Assert.Equal("replaced", history.QuerySelector($"#version-{second.Id:N}")!.GetAttribute("data-state"));
        Assert.Null(history.QuerySelector($"#version-{first.Id:N}-restore"));
        var newest = history.QuerySelector(".history-trail li")!;
        Assert.Equal("restore", newest.GetAttribute("data-kind"));
        Assert.Contains("Restored “first.mp4”", newest.TextContent);
    }

    [Fact]
    public async Task Undo_after_delete_brings_the_video_back()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "keep.mp4");
        var kept = await AssetAsync(id, "keep.mp4");

        var deleted = (await (await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Delete&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;
        var offer = deleted.QuerySelector("#video-card-long-undo")!;
        Assert.Contains("“keep.mp4” was deleted.", offer.TextContent);
        Assert.True(DateTimeOffset.Parse(offer.GetAttribute("data-until")!) > DateTimeOffset.UtcNow);
        var undone = await tenant.Client.HtmxPostAsync(page, offer.QuerySelector("button")!.GetAttribute("hx-post")!);

        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        var card = (await undone.FragmentAsync()).QuerySelector("#video-card-long")!;
        Assert.Equal("video", card.GetAttribute("data-state"));
        Assert.Equal($"/media/{kept.StorageKey}", await LongUrlAsync(id));
        Assert.Equal(["upload", "delete", "undo"], await KindsAsync(id));
    }

    [Fact]
    public async Task Undo_after_upload_new_brings_back_the_video_it_replaced()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "old.mp4");
        var old = await AssetAsync(id, "old.mp4");

        var replaced = (await (await tenant.UploadAsync(page, id, "long", Videos.Mp4, "new.mp4")).FragmentAsync()).QuerySelector("#video-card-long")!;
        var offer = replaced.QuerySelector("#video-card-long-undo")!;
        Assert.Contains("The upload replaced “old.mp4”.", offer.TextContent);
        await tenant.Client.HtmxPostAsync(page, offer.QuerySelector("button")!.GetAttribute("hx-post")!);

        Assert.Equal($"/media/{old.StorageKey}", await LongUrlAsync(id));
        Assert.NotNull((await AssetAsync(id, "new.mp4")).ReplacedAt);
    }

    [Fact]
    public async Task Undo_after_an_AI_video_replaced_the_slot_brings_back_the_previous_video()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "mine.mp4");
        var mine = await AssetAsync(id, "mine.mp4");
        await _app.DriveAsync(await GenerateAsync(tenant, page, id));

        var card = await CardAsync(tenant, id);
        var offer = card.QuerySelector("#video-card-long-undo")!;
        Assert.Contains("The AI video replaced “mine.mp4”.", offer.TextContent);
        var undone = await tenant.Client.HtmxPostAsync(page, offer.QuerySelector("button")!.GetAttribute("hx-post")!);

        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        Assert.Equal($"/media/{mine.StorageKey}", await LongUrlAsync(id));
    }

    [Fact]
    public async Task Undo_is_refused_once_the_slot_changed_again_and_the_later_change_stays()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "first.mp4");
        var deleted = (await (await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Delete&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;
        var staleUndo = deleted.QuerySelector("#video-card-long-undo button")!.GetAttribute("hx-post")!;
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "later.mp4");

        var refused = await tenant.Client.HtmxPostAsync(page, staleUndo);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Undo is no longer offered", (await refused.FragmentAsync()).QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal($"/media/{(await AssetAsync(id, "later.mp4")).StorageKey}", await LongUrlAsync(id));
    }

    [Fact]
    public async Task Undo_is_offered_for_the_undo_window_only_and_History_still_restores_after_it()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "gone.mp4");
        var gone = await AssetAsync(id, "gone.mp4");
        var deleted = (await (await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Delete&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;
        var undo = deleted.QuerySelector("#video-card-long-undo button")!.GetAttribute("hx-post")!;

        // Eleven minutes later, past the ten of Studio:History:UndoWindow.
        await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.Id == gone.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DeletedAt, a => a.DeletedAt - TimeSpan.FromMinutes(11))));

        Assert.Null((await CardAsync(tenant, id)).QuerySelector("#video-card-long-undo"));
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Client.HtmxPostAsync(page, undo)).StatusCode);
        Assert.Null(await LongUrlAsync(id));
        var restore = (await HistoryAsync(tenant, id)).QuerySelector($"#version-{gone.Id:N}-restore")!;
        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.HtmxPostAsync(page, restore.GetAttribute("hx-post")!)).StatusCode);
        Assert.Equal($"/media/{gone.StorageKey}", await LongUrlAsync(id));
    }

    [Fact]
    public async Task Generate_on_a_card_with_a_video_asks_first_and_says_the_video_stays_in_history()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var empty = await tenant.Client.GetDocumentAsync($"/content/{id}");
        Assert.NotNull(empty.QuerySelector("#video-card-long-generate")!.GetAttribute("hx-post"));

        await tenant.UploadAsync(empty, id, "long", Videos.Mp4, "mine.mp4");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var generate = page.QuerySelector("#video-card-long-generate")!;
        Assert.Null(generate.GetAttribute("hx-post"));
        Assert.Equal("generate-dialog", generate.GetAttribute("data-opens"));
        var dialog = page.QuerySelector("#generate-dialog")!;
        Assert.Contains("The current video stays in History", dialog.TextContent);
        var confirm = dialog.QuerySelector("#generate-dialog-confirm")!;
        var response = await tenant.Client.HtmxPostAsync(page, confirm.GetAttribute("hx-post")!,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["slot"] = generate.GetAttribute("data-slot")! }));
        Assert.Equal("#video-card-long", response.Headers.GetValues("HX-Retarget").Single());
        Assert.Equal("generating", (await response.FragmentAsync()).QuerySelector("#video-card-long")!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task Two_restores_of_one_slot_at_once_end_with_exactly_one_current_version_that_the_slot_shows()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        foreach (var name in new[] { "a.mp4", "b.mp4", "c.mp4" })
        {
            await tenant.UploadAsync(page, id, "long", Videos.Mp4, name);
        }
        var a = await AssetAsync(id, "a.mp4");
        var b = await AssetAsync(id, "b.mp4");

        var answers = await Task.WhenAll(
            tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Restore&slot=long&assetId={a.Id}"),
            tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Restore&slot=long&assetId={b.Id}"),
            tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Delete&slot=long"));

        Assert.All(answers, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var current = await _app.WithDbAsync(db => db.VideoAssets.Where(x => x.ContentId == id).Where(VideoAsset.Current).ToListAsync());
        var url = await LongUrlAsync(id);
        Assert.True(current.Count <= 1);
        Assert.Equal(current.SingleOrDefault() is { } shown ? $"/media/{shown.StorageKey}" : null, url);
        var card = await CardAsync(tenant, id);
        Assert.Equal(url, card.QuerySelector("video")?.GetAttribute("src"));
    }

    [Fact]
    public async Task A_restore_made_while_a_render_ran_wins_and_the_finished_AI_video_is_kept_aside()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "first.mp4");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "second.mp4");
        var first = await AssetAsync(id, "first.mp4");
        var generationId = await GenerateAsync(tenant, page, id);
        await _app.StepAsync(generationId);

        await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Restore&slot=long&assetId={first.Id}");
        await _app.DriveAsync(generationId);

        Assert.Equal($"/media/{first.StorageKey}", await LongUrlAsync(id));
        var ai = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(x => x.ContentId == id && x.Source == VideoSource.Ai));
        Assert.Equal(ai.CreatedAt, ai.ReplacedAt);
        Assert.NotNull((await CardAsync(tenant, id)).QuerySelector("#video-card-long-kept-aside"));
        Assert.Equal("kept-aside", (await HistoryAsync(tenant, id)).QuerySelector($"#version-{ai.Id:N}")!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task Download_saves_a_version_under_the_name_it_was_uploaded_with()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, "Bakery tour ünd more.mp4");
        var link = (await HistoryAsync(tenant, id)).QuerySelector(".history-version a[download]")!;

        var response = await tenant.Client.GetAsync(link.GetAttribute("href"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("Bakery tour ünd more.mp4", response.Content.Headers.ContentDisposition.FileNameStar);
    }

    [Fact]
    public async Task Only_an_admin_deletes_a_version_for_good_and_its_file_is_then_no_longer_served()
    {
        var editor = await _app.CreateTenantAsync();
        var id = await editor.CreateContentAsync();
        var page = await editor.Client.GetDocumentAsync($"/content/{id}");
        await editor.UploadAsync(page, id, "long", Videos.Mp4, "old.mp4");
        await editor.UploadAsync(page, id, "long", Videos.Mp4, "new.mp4");
        var old = await AssetAsync(id, "old.mp4");
        var current = await AssetAsync(id, "new.mp4");
        Assert.Null((await HistoryAsync(editor, id)).QuerySelector($"#version-{old.Id:N}-remove"));
        var refused = await editor.Client.HtmxPostAsync(page, $"/content/{id}?handler=RemoveVersion&slot=long&assetId={old.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await _app.WithDbAsync(db => db.BusinessMembers.Where(m => m.UserId == editor.UserId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, MemberRole.Admin)));
        var remove = (await HistoryAsync(editor, id)).QuerySelector($"#version-{old.Id:N}-remove")!;
        Assert.NotNull(remove.GetAttribute("hx-confirm"));
        var removed = await editor.Client.HtmxPostAsync(page, remove.GetAttribute("hx-post")!);
        var notCurrent = await editor.Client.HtmxPostAsync(page, $"/content/{id}?handler=RemoveVersion&slot=long&assetId={current.Id}");

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal("removed", (await removed.FragmentAsync()).QuerySelector($"#version-{old.Id:N}")!.GetAttribute("data-state"));
        Assert.False(File.Exists(Path.Combine(_app.MediaRoot, old.StorageKey)));
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Client.GetAsync($"/media/{old.StorageKey}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, notCurrent.StatusCode);
        Assert.True(File.Exists(Path.Combine(_app.MediaRoot, current.StorageKey)));
        var restore = await editor.Client.HtmxPostAsync(page, $"/content/{id}?handler=Restore&slot=long&assetId={old.Id}");
        Assert.Equal(HttpStatusCode.Conflict, restore.StatusCode);
        Assert.Equal("remove", (await KindsAsync(id)).Last());
    }

    private static async Task<Guid> GenerateAsync(Tenant tenant, IHtmlDocument page, Guid id)
    {
        var response = await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=Generate&slot=long");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await tenant.App.WithDbAsync(db => db.VideoGenerations.Where(g => g.ContentId == id).OrderByDescending(g => g.CreatedAt).Select(g => g.Id).FirstAsync());
    }

    private static async Task<IElement> HistoryAsync(Tenant tenant, Guid id)
    {
        var response = await tenant.Client.GetAsync($"/content/{id}?handler=History&slot=long");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.FragmentAsync()).QuerySelector("#history-panel")!;
    }

    private static async Task<IElement> CardAsync(Tenant tenant, Guid id) =>
        (await (await tenant.Client.GetAsync($"/content/{id}?handler=Card&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;

    private Task<VideoAsset> AssetAsync(Guid id, string name) =>
        _app.WithDbAsync(db => db.VideoAssets.AsNoTracking().SingleAsync(a => a.ContentId == id && a.OriginalFileName == name));

    private Task<string?> LongUrlAsync(Guid id) => _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync());

    private Task<List<string>> KindsAsync(Guid id) =>
        _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id && e.Outcome == VideoEventLog.Succeeded).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync());
}
