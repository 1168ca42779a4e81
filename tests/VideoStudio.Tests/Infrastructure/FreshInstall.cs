using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>The app as a fresh install starts it: a database of its own with no user and no demo data; its log is kept.</summary>
public sealed class FreshInstall : IAsyncDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public FreshInstall()
    {
        App = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseStudioTestSettings(_database.ConnectionString, StudioTestHost.NewMediaRoot());
            b.UseSetting("Studio:RunJobs", "false");
            b.ConfigureLogging(l => l.AddProvider(Logs));
        });
        App.StartServer();
    }

    public WebApplicationFactory<Program> App { get; }

    public LogCapture Logs { get; } = new();

    /// <summary>The path of the one-time link the start-up printed.</summary>
    public string SetupLink => Regex.Match(string.Join('\n', Logs.Lines), @"/invitations/[A-Za-z0-9_-]{40,}").Value;

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _database.DisposeAsync();
    }
}
