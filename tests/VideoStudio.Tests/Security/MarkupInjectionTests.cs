using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

[Collection(MediaCollection.Name)]
public class MarkupInjectionTests
{
    // Closes the elements user text is put in (a textarea, the page title) before trying to open its own.
    private const string Hostile = "</textarea></title><script>alert('x')</script>\"><img src=x onerror=alert(1)>";

    // Each line break would end a line of the event stream, letting the text add fields of its own if it reached the stream raw.
    private const string HostileLines = Hostile + "\r\nevent: video-card-long\r\ndata: <img src=x onerror=alert(2)>\n\ndata: x";

    // Quotes and slashes cannot stand in a multipart file name; this one still tries to open a tag.
    private const string HostileFileName = "<img src=x onerror=alert(1)>.mp4";

    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Hostile_titles_scripts_file_names_and_error_messages_render_as_text()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(title: Hostile, script: Hostile, shortScript: Hostile);
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.UploadAsync(page, id, "long", Videos.Mp4, HostileFileName);
        await _app.Seed.GenerationAsync(id, VideoSlot.Short, GenerationStatus.Failed, g => g.ErrorMessage = Hostile);

        var details = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var list = await tenant.Client.GetDocumentAsync("/content");
        var card = await (await tenant.Client.GetAsync($"/content/{id}?handler=Card&slot=short")).FragmentAsync();

        foreach (var document in new[] { details, list, card })
        {
            AssertInert(document);
        }
        Assert.Equal(Hostile, details.QuerySelector("h1")!.TextContent);
        Assert.Equal(HostileFileName, details.QuerySelector("#video-card-long-delete")!.GetAttribute("data-file-name"));
        Assert.Contains(Hostile, card.QuerySelector("#video-card-short")!.TextContent);
        Assert.Equal(Hostile, details.QuerySelector<IHtmlTextAreaElement>("#main-script-editor-text")!.Value);
    }

    [Fact]
    public async Task Hostile_file_names_and_HeyGen_errors_arrive_as_text_in_the_live_card_events()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var id = await admin.CreateContentAsync(title: Hostile, script: Hostile, shortScript: Hostile);
        var page = await admin.Client.GetDocumentAsync($"/content/{id}");
        await using var stream = await CardStream.OpenAsync(admin.Client, id);

        await admin.UploadAsync(page, id, "long", Videos.Mp4, HostileFileName);
        // HeyGen's "avatar not found" answer is told to the editor with the avatar ID stored before IDs were checked with HeyGen.
        await admin.ConfigureHeyGenAsync(HeyGenSim.NewKey(), avatarId: HostileLines);
        // Saving it again is refused, quoting the ID HeyGen does not know.
        var form = (await admin.Client.GetDocumentAsync("/settings/integrations")).QuerySelector<IHtmlFormElement>("#heygen-settings-form")!;
        var refused = await admin.Client.SubmitAsync(form, new() { ["Input.AvatarId"] = HostileLines + "-again", ["Input.VoiceId"] = HeyGenSim.Voice, ["Input.Active"] = "true" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var settings = await refused.ParseAsync();
        await admin.Client.HtmxPostAsync(page, $"/content/{id}?handler=Generate&slot=short");
        var generationId = await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.ContentId == id).Select(g => g.Id).SingleAsync());
        await _app.DriveAsync(generationId);

        var uploaded = await stream.CardWhenAsync("video-card-long", c => c.GetAttribute("data-state") == "video", c => AssertInert(c.Owner!));
        var failed = await stream.CardWhenAsync("video-card-short", c => c.GetAttribute("data-state") == "failed", c => AssertInert(c.Owner!));

        Assert.Equal(HostileFileName, uploaded.QuerySelector("#video-card-long-delete")!.GetAttribute("data-file-name"));
        Assert.Contains(HostileLines.ReplaceLineEndings(), failed.TextContent.ReplaceLineEndings());
        AssertInert(settings);
        Assert.Contains((HostileLines + "-again").ReplaceLineEndings(), settings.QuerySelector("#heygen-problems")!.TextContent.ReplaceLineEndings());
    }

    [Fact]
    public async Task A_script_save_conflict_shows_both_hostile_versions_as_text()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(script: "The first draft.");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var editor = page.QuerySelector<IHtmlFormElement>("#main-script-editor")!;
        var baseHash = editor.QuerySelector<IHtmlInputElement>("input[name=baseHash]")!.Value;
        const string theirs = "Theirs: " + Hostile;
        const string mine = "Mine: " + Hostile;

        Assert.Equal(HttpStatusCode.OK, (await SaveScriptAsync(tenant, page, editor, theirs, baseHash)).StatusCode);
        var conflict = await SaveScriptAsync(tenant, page, editor, mine, baseHash);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var fragment = await conflict.FragmentAsync();
        AssertInert(fragment);
        Assert.Equal(mine, fragment.QuerySelector<IHtmlTextAreaElement>("#main-script-editor-text")!.Value);
        Assert.Equal(theirs, fragment.QuerySelector(".their-text")!.TextContent);
    }

    private static Task<HttpResponseMessage> SaveScriptAsync(Tenant tenant, IHtmlDocument page, IHtmlFormElement editor, string text, string baseHash) =>
        tenant.Client.HtmxPostAsync(page, editor.GetAttribute("hx-post")!,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = text, ["baseHash"] = baseHash }));

    private static void AssertInert(IDocument document)
    {
        // The only pictures are the app's own poster thumbnails.
        Assert.All(document.QuerySelectorAll("img"), i => Assert.Matches("^/media/[0-9a-f]{32}\\.poster\\.jpg$", i.GetAttribute("src")));
        Assert.All(document.QuerySelectorAll("script"), s => Assert.StartsWith("/", s.GetAttribute("src")));
        Assert.DoesNotContain(document.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
    }
}
