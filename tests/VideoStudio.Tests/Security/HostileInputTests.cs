using System.Net;
using System.Text;
using VideoStudio.Core;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

/// <summary>Requests no honest client sends get a 4xx that says what is wrong, never a server error.</summary>
public class HostileInputTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"event_type\":\"avatar_video.success\"}]")]
    [InlineData("\"avatar_video.success\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task A_signed_webhook_whose_body_is_not_a_JSON_object_is_refused_as_a_bad_request(string json)
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var key = HeyGenSim.NewKey();
        await admin.ConfigureHeyGenAsync(key);
        var (path, secret) = await admin.RegisterWebhookAsync(key);

        var response = await SimulatorEndpoints.DeliverAsync(_app.CreateBrowserlessClient(), path, secret, Encoding.UTF8.GetBytes(json), legacy: false, DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_GET_of_the_dashboards_stats_url_is_not_a_server_error()
    {
        var siteAdmin = await _app.CreateTenantAsync(siteAdmin: true);

        var response = await siteAdmin.Client.GetAsync("/hangfire/stats");

        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task A_form_field_over_the_form_limit_is_refused_as_too_large()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var huge = new string('a', 5 * 1024 * 1024);

        var script = await tenant.Client.HtmxPostAsync(page, $"/content/{id}?handler=SaveScript&slot=long",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = huge, ["baseHash"] = "" }));
        var signIn = await _app.CreateBrowserlessClient().PostAsync("/account/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = huge, ["Input.Password"] = "x" }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, script.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, signIn.StatusCode);
        Assert.Contains("too large", await script.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
