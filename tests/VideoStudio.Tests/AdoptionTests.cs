using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests;

/// <summary>A team starts from a fresh install, with no seed and no SQL: every step through the pages a person uses.</summary>
public class AdoptionTests
{
    [Fact]
    public async Task First_admin_then_business_then_invited_editor_creates_content_and_uploads_a_video()
    {
        await using var install = new FreshInstall();
        HttpClient NewBrowser() => install.App.CreateBrowserlessClient();

        var siteAdmin = NewBrowser();
        await AcceptAsync(siteAdmin, install.SetupLink, new() { ["Input.Email"] = "root@team.example", ["Input.DisplayName"] = "Rita Root", ["Input.Password"] = "Root!Pass2026" });

        var businesses = await siteAdmin.GetDocumentAsync("/businesses");
        var created = await (await siteAdmin.SubmitAsync(businesses.QuerySelector<IHtmlFormElement>("#create-business-form")!, new()
        {
            ["Create.Name"] = "Fjord Coffee",
            ["Create.AdminEmail"] = "boss@fjord.example",
        })).ParseAsync();
        var adminLink = IssuedLink(created);

        var admin = NewBrowser();
        await AcceptAsync(admin, adminLink, new() { ["Input.DisplayName"] = "Bo Boss", ["Input.Password"] = "Boss!Pass2026" });
        var peopleUrl = (await admin.GetDocumentAsync("/businesses")).QuerySelector<IHtmlAnchorElement>("a[aria-label='People of Fjord Coffee']")!.GetAttribute("href")!;
        var people = await admin.GetDocumentAsync(peopleUrl);
        var invited = await (await admin.SubmitAsync(people.QuerySelector<IHtmlFormElement>("#invite-form")!, new()
        {
            ["Invite.Email"] = "eddie@fjord.example",
            ["Invite.Role"] = "Editor",
        })).ParseAsync();
        var editorLink = IssuedLink(invited);

        var editor = NewBrowser();
        await AcceptAsync(editor, editorLink, new() { ["Input.DisplayName"] = "Eddie Editor", ["Input.Password"] = "Eddie!Pass2026" });
        var newContent = await editor.GetDocumentAsync("/content/new");
        var made = await editor.SubmitAsync(newContent.QuerySelector<IHtmlFormElement>("#new-content-form")!, new()
        {
            ["Input.Title"] = "Pour-over in four steps",
            ["Input.VideoScript"] = "Rinse the filter, bloom, pour, wait.",
        });
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var contentUrl = made.Headers.Location!.OriginalString;
        var contentId = Guid.Parse(contentUrl["/content/".Length..]);
        var page = await editor.GetDocumentAsync(contentUrl);

        var upload = await editor.HtmxPostAsync(page, Videos.UploadUrl(contentId, "long"), Videos.Multipart(Videos.Mp4, "pour-over.mp4"));

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.NotNull((await upload.FragmentAsync()).QuerySelector("#video-card-long video"));
        var list = await editor.GetDocumentAsync("/content");
        Assert.Equal("video", list.GetElementById($"slot-status-{contentId:N}-long")!.GetAttribute("data-state"));
        Assert.Null((await admin.GetDocumentAsync("/content")).QuerySelector("#list-empty"));
    }

    private static async Task AcceptAsync(HttpClient client, string link, Dictionary<string, string> fields)
    {
        var form = (await client.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#accept-form")!;
        var response = await client.SubmitAsync(form, fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static string IssuedLink(AngleSharp.Html.Dom.IHtmlDocument page) =>
        new Uri(page.QuerySelector<IHtmlInputElement>("#issued-link-url")!.Value).PathAndQuery;
}
