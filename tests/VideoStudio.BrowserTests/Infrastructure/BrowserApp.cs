using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.HeyGenSimulator;

namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>
/// The app as ./run.sh runs it (Hangfire workers, live updates, the HeyGen simulator inside the app) on a real Kestrel
/// port with its own fresh PostgreSQL database, and one Chromium (Debian's, never a download), shared by every browser
/// test: starting either takes seconds, a new browser context per test takes milliseconds.
/// </summary>
public class BrowserApp : IAsyncLifetime
{
    /// <summary>Simulated renders take this long on the simulator's own clock, so they finish exactly when a test says so.</summary>
    private static readonly TimeSpan RenderDelay = TimeSpan.FromMinutes(10);

    /// <summary>The sample videos are a few dozen KB: chunks this small let a test cut an upload between two of them.</summary>
    public const int ChunkBytes = 16 * 1024;

    private TestDatabase _database = null!;
    private StudioHost _host = null!;
    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public IServiceProvider Services => _host.Services;

    public StudioSeed Seed => new(Services);

    /// <summary>The simulated HeyGen's clock; the app's own clock is the real one.</summary>
    public RenderClock HeyGenClock { get; } = new();

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Create();
        // The port is chosen first because the app's own configuration names it: HeyGen:BaseUrl is the simulator inside the app.
        BaseUrl = new Uri($"http://127.0.0.1:{StudioTestHost.FreePort()}/");
        _host = new StudioHost(_database.ConnectionString, StudioTestHost.NewMediaRoot(), BaseUrl, HeyGenClock, ConfigureMedia);
        _host.UseKestrel(o => o.Listen(IPAddress.Loopback, BaseUrl.Port));
        _host.StartServer();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Where the app keeps its media: its own folder unless a derived app says otherwise.</summary>
    protected virtual void ConfigureMedia(IWebHostBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    public Task<T> WithDbAsync<T>(Func<StudioDb, Task<T>> work) => Seed.WithDbAsync(work);

    public Task WithDbAsync(Func<StudioDb, Task> work) => Seed.WithDbAsync(work);

    /// <summary>
    /// Lets the simulated render of the slot's latest generation finish, then runs the job's poll at once instead of after
    /// Hangfire's schedule poll (up to 15 s), as the webhook shortcut would. Returns when the generation is settled.
    /// </summary>
    public async Task FinishRenderAsync(Guid contentId, VideoSlot slot)
    {
        var generation = await WithDbAsync(db => db.VideoGenerations.AsNoTracking()
            .Where(g => g.ContentId == contentId && g.Slot == slot).OrderByDescending(g => g.CreatedAt).FirstAsync());
        await StepUntilAsync(generation.Id, g => g.ProviderVideoId is not null || !g.Status.IsActive(), "submitted to HeyGen");
        HeyGenClock.Advance(RenderDelay + TimeSpan.FromSeconds(1));
        await StepUntilAsync(generation.Id, g => !g.Status.IsActive(), "settled");
    }

    private async Task StepUntilAsync(Guid generationId, Func<VideoGeneration, bool> done, string what)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var generation = await WithDbAsync(db => db.VideoGenerations.AsNoTracking().SingleAsync(g => g.Id == generationId));
            if (done(generation))
            {
                return;
            }
            // Returns without acting while a Hangfire worker holds this generation; the next round looks again.
            await Services.StepGenerationAsync(generationId);
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        Assert.Fail($"Generation {generationId} was never {what}.");
    }

    /// <summary>A business with one member who has not signed in yet.</summary>
    public async Task<Editor> CreateEditorAsync(MemberRole role = MemberRole.Editor)
    {
        var member = await Seed.MemberAsync(role);
        return new Editor(this, member.BusinessId, member.Email, member.Password);
    }

    /// <summary>An admin of their own business who is also a site admin (metrics, the job dashboard, every business).</summary>
    public async Task<Editor> CreateSiteAdminAsync()
    {
        var member = await Seed.MemberAsync(MemberRole.Admin, siteAdmin: true);
        return new Editor(this, member.BusinessId, member.Email, member.Password);
    }

    /// <summary>
    /// A fresh browser context (own cookies and cache) with one page of the given width, watched for CSP violations. It asks
    /// for reduced motion, so axe and the screenshots see settled colours, never a button half-way through its transition
    /// (MotionTests asks for motion where it checks it).
    /// </summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ReducedMotion = ReducedMotion.Reduce,
        });
        await CspViolations.WatchAsync(context);
        return await context.NewPageAsync();
    }

    private static string ChromiumPath()
    {
        string[] candidates = [Environment.GetEnvironmentVariable("VIDEOSTUDIO_CHROMIUM") ?? "", "/usr/bin/chromium", "/usr/lib/chromium/chromium"];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Debian's Chromium is missing: ./test.sh installs it (apt-get install -y chromium).");
    }

    private sealed class StudioHost(string connectionString, string mediaRoot, Uri baseUrl, RenderClock heyGenClock, Action<IWebHostBuilder> media) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseStudioTestSettings(connectionString, mediaRoot);
            builder.UseSetting("HeyGen:Simulator:Enabled", "true");
            builder.UseSetting("Studio:Upload:ChunkBytes", ChunkBytes.ToString());
            builder.UseSetting("HeyGen:Simulator:ApiKey", SimulatedHeyGenAccount.KeyPrefix);
            builder.UseSetting("HeyGen:Simulator:RenderDelay", RenderDelay.ToString());
            builder.UseSetting("HeyGen:BaseUrl", new Uri(baseUrl, SimulatorHosting.DefaultPrefix).ToString());
            builder.UseSetting("HeyGen:PollInterval", "00:00:01");
            media(builder);
            builder.ConfigureTestServices(services =>
                services.AddSingleton(sp => new SimulatedHeyGen(sp.GetRequiredService<SimulatorOptions>(), heyGenClock)));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "Browser";
}

/// <summary>The same app with its media in a container of Azurite (started by test.sh): object storage as a browser meets it.</summary>
public sealed class BlobBrowserApp : BrowserApp
{
    protected override void ConfigureMedia(IWebHostBuilder builder) => builder.UseBlobMedia(Azurite.ConnectionString, Azurite.NewContainer());
}

[CollectionDefinition(Name)]
public sealed class BlobBrowserCollection : ICollectionFixture<BlobBrowserApp>
{
    public const string Name = "Browser on object storage";
}
