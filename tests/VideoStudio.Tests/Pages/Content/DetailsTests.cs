using AngleSharp.Dom;
using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

public class DetailsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_member_sees_the_script_tabs_and_both_video_cards()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync("Sourdough basics", "Main words", "Short words");

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        Assert.Equal("Sourdough basics", page.QuerySelector("h1")!.TextContent);
        Assert.Equal(["Main Video Script", "Short Video Script", "Create Video"], page.QuerySelectorAll(".tabs a").Select(a => a.TextContent.Trim()));
        Assert.Equal("Main words", page.QuerySelector<IHtmlTextAreaElement>("#main-script-editor-text")!.Value);
        Assert.Equal("Short words", page.QuerySelector<IHtmlTextAreaElement>("#short-script-editor-text")!.Value);
        Assert.NotNull(page.QuerySelector("#video-card-long"));
        Assert.NotNull(page.QuerySelector("#video-card-short"));
    }

    [Fact]
    public async Task Content_of_another_business_is_not_found_both_ways()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        var ofA = await a.CreateContentAsync();
        var ofB = await b.CreateContentAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync($"/content/{ofB}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Client.GetAsync($"/content/{ofA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync($"/content/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.Client.GetAsync($"/content/{ofA}")).StatusCode);
    }

    [Fact]
    public async Task The_content_list_shows_only_the_members_own_business()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        await a.CreateContentAsync("Visible to A");
        await b.CreateContentAsync("Visible to B");

        var list = await a.Client.GetDocumentAsync("/content");

        var titles = list.QuerySelectorAll(".content-list tbody th a").Select(x => x.TextContent).ToList();
        Assert.Contains("Visible to A", titles);
        Assert.DoesNotContain("Visible to B", titles);
    }

    [Fact]
    public async Task Saving_a_script_with_htmx_returns_the_editor_fragment_and_stores_the_text()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(script: "Old main script");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var response = await SaveAsync(tenant, page, "main-script-editor", "New main script");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fragment = await response.FragmentAsync();
        Assert.Equal("main-script-editor", fragment.Body!.FirstElementChild!.Id);
        Assert.Contains("Saved.", fragment.Body.TextContent);
        Assert.Equal("New main script", await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoScript).SingleAsync()));
    }

    [Fact]
    public async Task Saving_a_script_that_did_not_change_says_there_was_nothing_to_save()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(script: "Same words");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        var response = await SaveAsync(tenant, page, "main-script-editor", "Same words");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fragment = await response.FragmentAsync();
        Assert.Contains("Nothing to save", fragment.QuerySelector("[role=status]")!.TextContent);
        Assert.DoesNotContain("Saved.", fragment.Body!.TextContent);
    }

    [Fact]
    public async Task A_script_longer_than_HeyGen_reads_is_counted_and_flagged_in_its_editor()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(script: new string('m', 5001), shortScript: "Short words");

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        Assert.Equal("5,001", page.QuerySelector("#main-script-editor [data-char-count]")!.TextContent);
        Assert.False(page.QuerySelector("#main-script-editor-over")!.HasAttribute("hidden"));
        Assert.True(page.QuerySelector("#short-script-editor-over")!.HasAttribute("hidden"));
    }

    [Fact]
    public async Task A_script_over_the_limit_is_refused_with_422_and_the_text_kept()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(script: "Keep me");
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var tooLong = new string('x', 100_001);

        var response = await SaveAsync(tenant, page, "main-script-editor", tooLong);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var fragment = await response.FragmentAsync();
        Assert.Contains("limit is 100,000", fragment.QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal(tooLong, fragment.QuerySelector<IHtmlTextAreaElement>("textarea")!.Value);
        Assert.Equal("Keep me", await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoScript).SingleAsync()));
    }

    [Fact]
    public async Task A_concurrent_edit_is_reported_and_neither_text_is_lost()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(shortScript: "Original");
        var mine = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var theirs = await tenant.Client.GetDocumentAsync($"/content/{id}");
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(tenant, theirs, "short-script-editor", "Their edit")).StatusCode);

        var response = await SaveAsync(tenant, mine, "short-script-editor", "My edit");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var fragment = await response.FragmentAsync();
        Assert.Contains("Someone else saved this script", fragment.QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal("My edit", fragment.QuerySelector<IHtmlTextAreaElement>("textarea")!.Value);
        Assert.Equal("Their edit", fragment.QuerySelector(".their-text")!.TextContent);
        Assert.Equal("Their edit", await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.ShortVideoScript).SingleAsync()));

        var again = await tenant.Client.HtmxPostAsync(mine, fragment.QuerySelector<IHtmlFormElement>("form")!.GetAttribute("hx-post")!,
            FormOf(fragment.QuerySelector<IHtmlFormElement>("form")!, "My edit"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("My edit", await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.ShortVideoScript).SingleAsync()));
    }

    [Fact]
    public async Task Saving_one_script_does_not_make_the_other_editor_conflict()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");

        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(tenant, page, "main-script-editor", "Main changed")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(tenant, page, "short-script-editor", "Short changed")).StatusCode);
    }

    [Fact]
    public async Task A_20000_character_short_script_saves_and_reloads_intact()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(shortScript: null);
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var words = string.Join(' ', Enumerable.Range(0, 4000).Select(i => $"w{i % 1000:000}"));
        var script = ("\nLine one starts after a newline. " + words)[..20_000];

        var response = await SaveAsync(tenant, page, "short-script-editor", script);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reloaded = await tenant.Client.GetDocumentAsync($"/content/{id}");
        Assert.Equal(script, reloaded.QuerySelector<IHtmlTextAreaElement>("#short-script-editor-text")!.Value);
    }

    [Fact]
    public async Task Saving_without_an_antiforgery_token_is_refused()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync(script: "Untouched");

        var response = await tenant.Client.PostAsync($"/content/{id}?handler=SaveScript&slot=long",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "Forged" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Untouched", await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoScript).SingleAsync()));
    }

    [Fact]
    public async Task Saving_a_script_of_another_business_is_not_found_and_changes_nothing()
    {
        var a = await _app.CreateTenantAsync();
        var b = await _app.CreateTenantAsync();
        var ofA = await a.CreateContentAsync(script: "A's words");
        var ofB = await b.CreateContentAsync();
        var pageOfB = await b.Client.GetDocumentAsync($"/content/{ofB}");

        var response = await b.Client.HtmxPostAsync(pageOfB, $"/content/{ofA}?handler=SaveScript&slot=long",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "B was here" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("A's words", await _app.WithDbAsync(db => db.Content.Where(c => c.Id == ofA).Select(c => c.VideoScript).SingleAsync()));
    }

    private static Task<HttpResponseMessage> SaveAsync(Tenant tenant, IHtmlDocument page, string editorId, string text)
    {
        var form = page.QuerySelector<IHtmlFormElement>("#" + editorId)!;
        return tenant.Client.HtmxPostAsync(page, form.GetAttribute("hx-post")!, FormOf(form, text));
    }

    private static FormUrlEncodedContent FormOf(IHtmlFormElement form, string text) => new(new Dictionary<string, string>
    {
        ["text"] = text,
        ["baseHash"] = form.QuerySelector<IHtmlInputElement>("input[name=baseHash]")!.Value,
    });
}
