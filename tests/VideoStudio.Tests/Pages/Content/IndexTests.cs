using AngleSharp.Dom;
using System.Net;
using AngleSharp.Html.Dom;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Pages.Content;

namespace VideoStudio.Tests.Pages.Content;

[Collection(MediaCollection.Name)]
public class IndexTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Search_filters_by_video_state_and_both_sorts_find_the_expected_items()
    {
        var tenant = await _app.CreateTenantAsync();
        var complete = await tenant.CreateContentAsync("Croissant basics");
        await _app.Seed.VideoAsync(complete, VideoSlot.Long, Fixtures.SampleMp4);
        await _app.Seed.VideoAsync(complete, VideoSlot.Short, Fixtures.SampleWebM);
        var onlyLong = await tenant.CreateContentAsync("Bagel day");
        await _app.Seed.VideoAsync(onlyLong, VideoSlot.Long, Fixtures.SampleMp4);
        var generating = await tenant.CreateContentAsync("Apple tart");
        await _app.Seed.GenerationAsync(generating, VideoSlot.Long, GenerationStatus.Processing);
        var failed = await tenant.CreateContentAsync("Danish 100% butter");
        await _app.Seed.GenerationAsync(failed, VideoSlot.Short, GenerationStatus.Failed);
        var stranger = await _app.CreateTenantAsync();
        await stranger.CreateContentAsync("Croissant of another business");

        Assert.Equal(["Danish 100% butter", "Apple tart", "Bagel day", "Croissant basics"], await TitlesAsync(tenant, "/content"));
        Assert.Equal(["Apple tart", "Bagel day", "Croissant basics", "Danish 100% butter"], await TitlesAsync(tenant, "/content?sort=Title"));
        Assert.Equal(["Croissant basics"], await TitlesAsync(tenant, "/content?q=croiss"));
        Assert.Equal(["Danish 100% butter"], await TitlesAsync(tenant, "/content?q=100%25"));
        Assert.Empty(await TitlesAsync(tenant, "/content?q=_"));
        Assert.Equal(["Danish 100% butter", "Apple tart"], await TitlesAsync(tenant, "/content?state=MissingLong"));
        Assert.Equal(["Danish 100% butter", "Apple tart", "Bagel day"], await TitlesAsync(tenant, "/content?state=MissingShort"));
        Assert.Equal(["Apple tart"], await TitlesAsync(tenant, "/content?state=Generating"));
        Assert.Equal(["Danish 100% butter"], await TitlesAsync(tenant, "/content?state=Failed"));
        Assert.Equal(["Croissant basics"], await TitlesAsync(tenant, "/content?state=Complete"));

        var list = await tenant.Client.GetDocumentAsync("/content?q=Apple");
        Assert.Equal("generating", list.GetElementById($"slot-status-{generating:N}-long")!.GetAttribute("data-state"));
        Assert.Equal("missing", list.GetElementById($"slot-status-{generating:N}-short")!.GetAttribute("data-state"));
        var danish = await tenant.Client.GetDocumentAsync("/content?q=Danish");
        Assert.Equal("failed", danish.GetElementById($"slot-status-{failed:N}-short")!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task A_search_with_quotes_and_backslashes_finds_the_title_as_typed()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.CreateContentAsync(@"Bob's back\slash loaf");
        await tenant.CreateContentAsync("Bobs backslash loaf");

        Assert.Equal([@"Bob's back\slash loaf"], await TitlesAsync(tenant, "/content?q=" + Uri.EscapeDataString(@"b's back\s")));
        Assert.Empty(await TitlesAsync(tenant, "/content?q=" + Uri.EscapeDataString("'; DROP TABLE content; --")));
        Assert.Equal(2, (await TitlesAsync(tenant, "/content")).Count);
    }

    [Fact]
    public async Task Pages_follow_each_other_without_repeating_or_skipping_an_item()
    {
        var tenant = await _app.CreateTenantAsync();
        var titles = Enumerable.Range(1, ContentList.PageSize + 5).Select(i => $"Item {i:D3}").ToList();
        foreach (var title in titles)
        {
            await tenant.CreateContentAsync(title);
        }

        foreach (var sort in new[] { "Changed", "Title" })
        {
            var seen = new List<string>();
            var url = "/content?sort=" + sort;
            while (url is not null)
            {
                var page = await tenant.Client.GetDocumentAsync(url);
                seen.AddRange(Titles(page));
                url = page.QuerySelector<IHtmlAnchorElement>("#next-page")?.GetAttribute("href");
            }
            Assert.Equal(titles.Order(), seen.Order());
            Assert.Equal(titles.Count, seen.Distinct().Count());
        }
    }

    [Fact]
    public async Task A_cursor_that_does_not_parse_shows_the_first_page()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.CreateContentAsync("Only item");

        Assert.Equal(["Only item"], await TitlesAsync(tenant, "/content?after=not-a-cursor"));
        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.GetAsync("/content?state=NoSuchState&sort=Nonsense")).StatusCode);
    }

    private static async Task<List<string>> TitlesAsync(Tenant tenant, string url) => Titles(await tenant.Client.GetDocumentAsync(url));

    private static List<string> Titles(IHtmlDocument page) =>
        page.QuerySelectorAll("#content-list tbody th a").Select(a => a.TextContent.Trim()).ToList();
}
