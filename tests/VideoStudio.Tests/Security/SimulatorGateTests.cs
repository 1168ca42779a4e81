using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

/// <summary>
/// The HeyGen simulator inside the app would otherwise let anyone make the app sign and deliver a webhook to itself: it
/// answers only its own configured key, and in Production it starts only when explicitly allowed.
/// </summary>
public class SimulatorGateTests
{
    private const string OwnKey = "simulator-own-key";

    private static readonly Lazy<WebApplicationFactory<Program>> WithSimulator = new(() => StudioApp.Instance.WithWebHostBuilder(b => b
        .UseSetting("HeyGen:Simulator:Enabled", "true")
        .UseSetting("HeyGen:Simulator:ApiKey", OwnKey)));

    [Theory]
    [InlineData(null)]
    [InlineData("attacker-ok")]
    [InlineData("simulator-own-ke")]
    public async Task A_call_without_the_simulators_own_key_is_refused(string? key)
    {
        var client = WithSimulator.Value.CreateClient();

        var generate = await client.SendAsync(WithKey(HttpMethod.Post, "/v3/videos", key));
        var avatars = await client.SendAsync(WithKey(HttpMethod.Get, "/v3/avatars/looks", key));

        Assert.Equal(HttpStatusCode.Unauthorized, generate.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, avatars.StatusCode);
    }

    [Fact]
    public async Task A_key_that_starts_with_the_simulators_own_key_is_answered_and_preview_files_need_none()
    {
        var client = WithSimulator.Value.CreateClient();

        var avatars = await client.SendAsync(WithKey(HttpMethod.Get, "/v3/avatars/looks", OwnKey + "-ok"));
        var preview = await client.GetAsync($"{SimulatorHosting.DefaultPrefix}/files/looks/{SimulatedHeyGen.Looks[0].PreviewFile}");

        Assert.Equal(HttpStatusCode.OK, avatars.StatusCode);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
    }

    [Fact]
    public void In_Production_the_simulator_refuses_to_start_unless_explicitly_allowed()
    {
        using var production = StudioApp.Instance.WithWebHostBuilder(b => b
            .UseEnvironment("Production")
            .UseSetting("HeyGen:Simulator:Enabled", "true")
            .UseSetting("HeyGen:Simulator:ApiKey", OwnKey));

        var message = StartupRefusal.MessagesOf(production);

        Assert.Contains("HeyGen:Simulator:AllowInProduction", message);
    }

    [Fact]
    public async Task In_Production_the_simulator_runs_when_explicitly_allowed_as_run_sh_does()
    {
        await using var production = StudioApp.Instance.WithWebHostBuilder(b => b
            .UseEnvironment("Production")
            .UseSetting("HeyGen:Simulator:Enabled", "true")
            .UseSetting("HeyGen:Simulator:AllowInProduction", "true")
            .UseSetting("HeyGen:Simulator:ApiKey", OwnKey));

        var avatars = await production.CreateClient().SendAsync(WithKey(HttpMethod.Get, "/v3/avatars/looks", OwnKey + "-ok"));

        Assert.Equal(HttpStatusCode.OK, avatars.StatusCode);
    }

    private static HttpRequestMessage WithKey(HttpMethod method, string path, string? key)
    {
        var request = new HttpRequestMessage(method, SimulatorHosting.DefaultPrefix + path) { Content = method == HttpMethod.Post ? new StringContent("{}") : null };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        return request;
    }
}
