using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>
/// The app under test: one host for the whole test run, on its own fresh PostgreSQL database (migrated, never EnsureCreated).
/// Tests isolate themselves by creating their own businesses and users, so classes may run in parallel.
/// </summary>
public sealed class StudioApp : WebApplicationFactory<Program>
{
    // Started inside the Lazy: WebApplicationFactory builds its host on first use without a lock, so test classes that touch
    // it at once could each start a host, and the second waits for the first's migrations under the advisory lock.
    private static readonly Lazy<StudioApp> Shared = new(() =>
    {
        var app = new StudioApp();
        app.StartServer();
        return app;
    });

    public static StudioApp Instance => Shared.Value;

    /// <summary>Small, so the size limit can be tested with small bodies; the sample videos are far below it.</summary>
    public const long UploadLimit = 1 << 20;

    private readonly TestDatabase _database = TestDatabase.Create().DropWhenProcessExits();

    public string ConnectionString => _database.ConnectionString;
    public string MediaRoot { get; } = StudioTestHost.NewMediaRoot();
    public StudioSeed Seed => new(Services);
    public LogCapture Logs { get; } = new();
    public DatabaseOutage Outage { get; } = new();

    private StudioApp()
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseStudioTestSettings(ConnectionString, MediaRoot);
        builder.UseSetting("Studio:Upload:MaxBytes", UploadLimit.ToString());
        // Tests run the generation job's steps themselves, against the simulator over real HTTP.
        builder.UseSetting("Studio:RunJobs", "false");
        builder.UseSetting("HeyGen:BaseUrl", HeyGenSim.Host.BaseUrl);
        // Where HeyGen would reach the app; the tests deliver webhooks themselves, signed with the secret the simulator issued.
        builder.UseSetting("Studio:PublicUrl", "https://studio.example");
        // Each wait for a job's state lock is a debug line; bench/jobs counts them, and a test checks one is written.
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter(typeof(StudioJobStorage).FullName, LogLevel.Debug));
        builder.ConfigureServices(services => services.ConfigureDbContext<StudioDb>(o => o.AddInterceptors(Outage)));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
    }

    /// <summary>A browserless client whose requests come from the given IP address, as the sign-in limits see it.</summary>
    public HttpClient CreateBrowserlessClient(string from)
    {
        var client = this.CreateBrowserlessClient();
        client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, from);
        return client;
    }

    /// <summary>Every upload, finished or failed, leaves nothing in the staging folder. Holds for tests in <see cref="MediaCollection"/>, which run one at a time.</summary>
    public void AssertNoStagedFilesLeft()
    {
        var staging = Path.Combine(MediaRoot, "tmp");
        Assert.Empty(Directory.Exists(staging) ? Directory.GetFiles(staging) : []);
    }

    public Task<T> WithDbAsync<T>(Func<StudioDb, Task<T>> work) => Seed.WithDbAsync(work);

    public Task WithDbAsync(Func<StudioDb, Task> work) => Seed.WithDbAsync(work);

    /// <summary>A business with one member of the given role, and a signed-in client for that member.</summary>
    public async Task<Tenant> CreateTenantAsync(MemberRole role = MemberRole.Editor, bool siteAdmin = false)
    {
        var member = await Seed.MemberAsync(role, siteAdmin);
        var client = this.CreateBrowserlessClient();
        await client.SignInAsync(member.Email, member.Password);
        return new Tenant(this, member.BusinessId, member.UserId, member.Email, member.Password, client);
    }
}

/// <summary>Tests that write media files run one after another, so the staging folder can be checked for leftovers.</summary>
[CollectionDefinition(Name)]
public sealed class MediaCollection
{
    public const string Name = "media";
}

public sealed record Tenant(StudioApp App, Guid BusinessId, string UserId, string Email, string Password, HttpClient Client)
{
    public Task<Guid> CreateContentAsync(string title = "A content item", string? script = StudioSeed.Script, string? shortScript = StudioSeed.ShortScript) =>
        App.Seed.ContentAsync(BusinessId, title, script, shortScript);
}

/// <summary>The test server gives requests no client address; this lets a test choose one (sign-in limits are per address).</summary>
public sealed class ClientAddressFromHeader : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var address))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}
