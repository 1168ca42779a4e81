using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using VideoStudio.Tests.Infrastructure;
using VideoStudio.Web.Pages.Bench;

namespace VideoStudio.Tests.Pages.Bench;

/// <summary>The benchmark's yardstick page exists only when the benchmark switches it on.</summary>
public class BaselinePageTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Without_its_switch_the_baseline_page_is_not_found()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync("Measured");

        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Client.GetAsync($"/bench/baseline/{id}")).StatusCode);
    }

    [Fact]
    public async Task With_its_switch_it_shows_a_member_the_item_s_title_in_the_layout_and_no_one_else()
    {
        await using var benchmarked = _app.WithWebHostBuilder(b => b.UseSetting(BaselineModel.Setting, "true"));
        var tenant = await _app.CreateTenantAsync();
        var other = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync("Measured");
        var member = benchmarked.CreateBrowserlessClient();
        await member.SignInAsync(tenant.Email, tenant.Password);
        var stranger = benchmarked.CreateBrowserlessClient();
        await stranger.SignInAsync(other.Email, other.Password);

        var page = await member.GetDocumentAsync($"/bench/baseline/{id}");

        Assert.Equal("Measured", page.QuerySelector("main h1")!.TextContent);
        Assert.NotNull(page.QuerySelector("nav[aria-label=Main]"));
        Assert.NotNull(page.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/bench/baseline/{id}")).StatusCode);
    }
}
