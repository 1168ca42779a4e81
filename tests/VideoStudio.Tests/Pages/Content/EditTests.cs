using AngleSharp.Dom;
using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

[Collection(MediaCollection.Name)]
public class EditTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_new_item_needs_a_title_of_at_most_300_characters_and_nothing_is_created_until_it_has_one()
    {
        var tenant = await _app.CreateTenantAsync();
        var form = (await tenant.Client.GetDocumentAsync("/content/new")).QuerySelector<IHtmlFormElement>("#new-content-form")!;

        foreach (var (title, expected) in new[] { ("   ", "Enter a title."), (new string('x', 301), "too long") })
        {
            var refused = await tenant.Client.SubmitAsync(form, new() { ["Input.Title"] = title, ["Input.VideoScript"] = "Kept words" });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var page = await refused.ParseAsync();
            Assert.Contains(expected, page.QuerySelector("#title-error")!.TextContent);
            Assert.Equal("Kept words", page.QuerySelector<IHtmlTextAreaElement>("#Input_VideoScript")!.Value);
        }
        Assert.Equal(0, await _app.WithDbAsync(db => db.Content.CountAsync(c => c.BusinessId == tenant.BusinessId)));

        var created = await tenant.Client.SubmitAsync(form, new()
        {
            ["Input.Title"] = "  Rye bread  ",
            ["Input.VideoScript"] = "Main words",
            ["Input.ShortVideoScript"] = "Short words",
        });

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var details = await tenant.Client.GetDocumentAsync(created.Headers.Location!.OriginalString);
        Assert.Equal("Rye bread", details.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Main words", details.QuerySelector<IHtmlTextAreaElement>("#main-script-editor-text")!.Value);
        Assert.Equal("Short words", details.QuerySelector<IHtmlTextAreaElement>("#short-script-editor-text")!.Value);
    }

    [Fact]
    public async Task Rename_archive_restore_and_delete_an_item()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync("Old title");
        await _app.Seed.VideoAsync(id, VideoSlot.Long, Fixtures.SampleMp4);
        var edit = await tenant.Client.GetDocumentAsync($"/content/{id}/edit");

        var empty = await tenant.Client.SubmitAsync(edit.QuerySelector<IHtmlFormElement>("#rename-form")!, new() { ["Input.Title"] = "" });
        Assert.Contains("Enter a title.", (await empty.ParseAsync()).QuerySelector("#title-error")!.TextContent);
        var overlong = await tenant.Client.SubmitAsync(edit.QuerySelector<IHtmlFormElement>("#rename-form")!, new() { ["Input.Title"] = new string('t', 301) });
        Assert.Contains("too long", (await overlong.ParseAsync()).QuerySelector("#title-error")!.TextContent);
        Assert.Equal("Old title", await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.Title).SingleAsync()));
        var renamed = await tenant.Client.SubmitAsync(edit.QuerySelector<IHtmlFormElement>("#rename-form")!, new() { ["Input.Title"] = "New title" });
        Assert.NotNull((await renamed.ParseAsync()).QuerySelector("#rename-saved"));
        Assert.Equal("New title", (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("h1")!.TextContent.Trim());

        await tenant.Client.SubmitAsync((IHtmlFormElement)edit.QuerySelector("#archive")!.Closest("form")!, []);
        Assert.Null((await tenant.Client.GetDocumentAsync("/content")).QuerySelector($"a[href='/content/{id}']"));
        Assert.NotNull((await tenant.Client.GetDocumentAsync("/content?state=Archived")).QuerySelector($"a[href='/content/{id}']"));
        var archived = await tenant.Client.GetDocumentAsync($"/content/{id}/edit");
        await tenant.Client.SubmitAsync((IHtmlFormElement)archived.QuerySelector("#restore")!.Closest("form")!, []);
        Assert.NotNull((await tenant.Client.GetDocumentAsync("/content")).QuerySelector($"a[href='/content/{id}']"));

        var confirm = await tenant.Client.GetDocumentAsync($"/content/{id}/delete");
        Assert.Contains("one video file", confirm.QuerySelector("#delete-consequence")!.TextContent);
        var deleted = await tenant.Client.SubmitAsync(confirm.QuerySelector<IHtmlFormElement>("#delete-form")!, []);

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Client.GetAsync($"/content/{id}")).StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(a => a.ContentId == id)));
        _app.AssertNoStagedFilesLeft();
    }
}
