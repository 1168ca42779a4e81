using System.Net;
using System.Text.Json;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests;

public class HealthTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task Anonymous_callers_get_the_status_word_only()
    {
        var response = await _app.CreateBrowserlessClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Site_admins_see_each_check()
    {
        var admin = await _app.CreateTenantAsync(siteAdmin: true);

        var body = JsonDocument.Parse(await admin.Client.GetStringAsync("/healthz")).RootElement;

        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("job storage").GetProperty("status").GetString());
    }
}
