using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

/// <summary>
/// Stopping the app ends its open live streams at once, so a deploy or restart is not held up by them and browsers reconnect
/// to whichever node is up. On a real Kestrel port: the in-memory test server does not end a response when its host stops.
/// </summary>
public class ContentEventsShutdownTests
{
    /// <summary>
    /// Long enough that a stream still open when it runs out is unmistakable: Kestrel then cuts the connection, and the
    /// reader sees a broken response instead of the end of the stream.
    /// </summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Open_streams_of_an_item_page_and_of_any_other_page_end_cleanly_when_the_app_stops()
    {
        await using var database = TestDatabase.Create();
        var port = StudioTestHost.FreePort();
        var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(database.ConnectionString, StudioTestHost.NewMediaRoot());
            b.UseSetting("Studio:RunJobs", "false");
            b.UseShutdownTimeout(ShutdownTimeout);
        });
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        app.StartServer();
        var seed = new StudioSeed(app.Services);
        var member = await seed.MemberAsync();
        var id = await seed.ContentAsync(member.BusinessId);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await client.SignInAsync(member.Email, member.Password);

        await using var itemPage = await CardStream.OpenAsync(client, id);
        await using var otherPage = await CardStream.OpenAsync(client, "/events");
        await itemPage.NextCardAsync();

        var stopped = app.DisposeAsync().AsTask();

        // Each reader sees the server finish its response; a stream cut off at the shutdown timeout fails here instead.
        await Task.WhenAll(itemPage.EndAsync(), otherPage.EndAsync());
        await stopped;
    }
}
