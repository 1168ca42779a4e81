using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;

namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>
/// The app on a real Kestrel port with its own fresh PostgreSQL database, and one Chromium (Debian's, never a download),
/// shared by every browser test: starting either takes seconds, a new browser context per test takes milliseconds.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    private const string Password = "Browser!Test1";

    private readonly string _server;
    private readonly string _database;
    private StudioHost _host = null!;
    private IPlaywright _playwright = null!;

    public BrowserApp()
    {
        _server = Environment.GetEnvironmentVariable("VIDEOSTUDIO_TEST_SERVER")
            ?? throw new InvalidOperationException("VIDEOSTUDIO_TEST_SERVER is not set: run the tests with ./test.sh, which starts PostgreSQL.");
        _database = $"vs_test_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
    }

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public IServiceProvider Services => _host.Services;

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(_server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString;
        _host = new StudioHost(connectionString, Directory.CreateTempSubdirectory("videostudio-browser-media-").FullName);
        _host.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri(address);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task<T> WithDbAsync<T>(Func<StudioDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<StudioDb>());
    }

    public Task WithDbAsync(Func<StudioDb, Task> work) => WithDbAsync<bool>(async db => { await work(db); return true; });

    /// <summary>A business with one editor who has not signed in yet.</summary>
    public async Task<Editor> CreateEditorAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"editor-{tag}@browser.example";
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = new StudioUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Editor " + tag };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));

        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        var business = new Business { Id = Guid.NewGuid(), Name = "Business " + tag };
        db.Businesses.Add(business);
        db.BusinessMembers.Add(new BusinessMember { BusinessId = business.Id, UserId = user.Id, Role = MemberRole.Editor });
        await db.SaveChangesAsync();
        return new Editor(this, business.Id, email, Password);
    }

    /// <summary>A fresh browser context (own cookies and cache) with one page of the given width.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        return await context.NewPageAsync();
    }

    private static string ChromiumPath()
    {
        string[] candidates = [Environment.GetEnvironmentVariable("VIDEOSTUDIO_CHROMIUM") ?? "", "/usr/bin/chromium", "/usr/lib/chromium/chromium"];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Debian's Chromium is missing: ./test.sh installs it (apt-get install -y chromium).");
    }

    private sealed class StudioHost(string connectionString, string mediaRoot) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:Studio", connectionString);
            builder.UseSetting("Studio:Migrate", "true");
            builder.UseSetting("Studio:SeedDemo", "false");
            builder.UseSetting("Studio:MediaRoot", mediaRoot);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "Browser";
}
