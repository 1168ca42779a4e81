using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>
/// The app with SMTP configured (the sink of ./test.sh) and its own Hangfire server, so e-mails go out through the real job
/// path: enqueued by the page, run by a worker, delivered over SMTP. Its own database, as its jobs run for real.
/// </summary>
public sealed class MailingApp : IAsyncLifetime
{
    public const string PublicUrl = "https://studio.example";

    private readonly TestDatabase _database = TestDatabase.Create();

    public MailingApp()
    {
        App = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(_database.ConnectionString, StudioTestHost.NewMediaRoot());
            b.UseSetting("Studio:RunJobs", "true");
            b.UseSetting("Studio:PublicUrl", PublicUrl);
            b.UseSetting("Studio:Smtp:Host", SmtpSink.Host);
            b.UseSetting("Studio:Smtp:Port", SmtpSink.Port.ToString());
            b.UseSetting("Studio:Smtp:Security", "None");
            b.UseSetting("Studio:Smtp:From", "VideoStudio <studio@studio.example>");
            b.ConfigureLogging(l => l.AddProvider(Logs));
        });
        App.StartServer();
    }

    public WebApplicationFactory<Program> App { get; }

    public LogCapture Logs { get; } = new();

    public StudioSeed Seed => new(App.Services);

    public async Task<HttpClient> SignedInAsync(Member member)
    {
        var client = App.CreateBrowserlessClient();
        await client.SignInAsync(member.Email, member.Password);
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _database.DisposeAsync();
    }
}
