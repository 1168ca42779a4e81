using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

[Collection(MediaCollection.Name)]
public class MarkupInjectionTests
{
    private const string Hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";

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
        await _app.WithDbAsync(async db =>
        {
            db.VideoGenerations.Add(new VideoGeneration
            {
                Id = Guid.NewGuid(), ContentId = id, Slot = VideoSlot.Short, Status = GenerationStatus.Failed,
                ErrorMessage = Hostile, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        });

        var details = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var list = await tenant.Client.GetDocumentAsync("/content");
        var card = await (await tenant.Client.GetAsync($"/content/{id}?handler=Card&slot=short")).FragmentAsync();

        foreach (var document in new[] { details, list, card })
        {
            AssertInert(document);
        }
        Assert.Equal(Hostile, details.QuerySelector("h1")!.TextContent);
        Assert.Contains(HostileFileName, details.QuerySelector("#delete-dialog-long")!.TextContent);
        Assert.Contains(Hostile, card.QuerySelector("#video-card-short")!.TextContent);
        Assert.Equal(Hostile, details.QuerySelector<IHtmlTextAreaElement>("#main-script-editor-text")!.Value);
    }

    private static void AssertInert(IDocument document)
    {
        Assert.Empty(document.QuerySelectorAll("img"));
        Assert.All(document.QuerySelectorAll("script"), s => Assert.StartsWith("/", s.GetAttribute("src")));
        Assert.DoesNotContain(document.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
    }
}
