using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Core.Data;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>
/// The app under test: one host for the whole test run, on its own fresh PostgreSQL database (migrated, never EnsureCreated).
/// Tests isolate themselves by creating their own businesses and users, so classes may run in parallel.
/// </summary>
public sealed class StudioApp : WebApplicationFactory<Program>
{
    private static readonly Lazy<StudioApp> Shared = new(() => new StudioApp());

    public static StudioApp Instance => Shared.Value;

    /// <summary>Small, so the size limit can be tested with small bodies; the sample videos are far below it.</summary>
    public const long UploadLimit = 1 << 20;

    public string ConnectionString { get; }
    public string MediaRoot { get; }

    /// <summary>The key ring's certificate, made at test start (never committed), with a password of its own.</summary>
    public KeyRingCertificate Certificate { get; } = KeyRingCertificate.Create();
    public LogCapture Logs { get; } = new();
    public DatabaseOutage Outage { get; } = new();

    private StudioApp()
    {
        var server = Environment.GetEnvironmentVariable("VIDEOSTUDIO_TEST_SERVER")
            ?? throw new InvalidOperationException("VIDEOSTUDIO_TEST_SERVER is not set: run the tests with ./test.sh, which starts PostgreSQL.");
        var name = $"vs_test_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            create.ExecuteNonQuery();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        MediaRoot = Directory.CreateTempSubdirectory("videostudio-media-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropDatabase(server, name);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Studio", ConnectionString);
        builder.UseSetting("Studio:Migrate", "true");
        builder.UseSetting("Studio:SeedDemo", "false");
        builder.UseSetting("Studio:MediaRoot", MediaRoot);
        builder.UseSetting("Studio:Upload:MaxBytes", UploadLimit.ToString());
        builder.UseSetting("Studio:KeyRing:CertificatePath", Certificate.Path);
        builder.UseSetting("Studio:KeyRing:CertificatePassword", Certificate.Password);
        // Tests run the generation job's steps themselves, against the simulator over real HTTP.
        builder.UseSetting("Studio:RunJobs", "false");
        builder.UseSetting("HeyGen:BaseUrl", HeyGenSim.Host.BaseUrl);
        builder.UseSetting("HeyGen:WebhookSecret", HeyGenSim.WebhookSecret);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services => services.ConfigureDbContext<StudioDb>(o => o.AddInterceptors(Outage)));
    }

    /// <summary>Every upload, finished or failed, leaves nothing in the staging folder. Holds for tests in <see cref="MediaCollection"/>, which run one at a time.</summary>
    public void AssertNoStagedFilesLeft()
    {
        var staging = Path.Combine(MediaRoot, "tmp");
        Assert.Empty(Directory.Exists(staging) ? Directory.GetFiles(staging) : []);
    }

    public HttpClient CreateBrowserlessClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<T> WithDbAsync<T>(Func<StudioDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<StudioDb>());
    }

    public Task WithDbAsync(Func<StudioDb, Task> work) => WithDbAsync<bool>(async db => { await work(db); return true; });

    /// <summary>A business with one member of the given role, and a signed-in client for that member.</summary>
    public async Task<Tenant> CreateTenantAsync(MemberRole role = MemberRole.Editor, bool siteAdmin = false)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"{role.ToString().ToLowerInvariant()}-{tag}@test.example";
        const string password = "Test!Password1";
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = new StudioUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Test " + tag, IsSiteAdmin = siteAdmin };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));

        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        var business = new Business { Id = Guid.NewGuid(), Name = "Business " + tag };
        db.Businesses.Add(business);
        db.BusinessMembers.Add(new BusinessMember { BusinessId = business.Id, UserId = user.Id, Role = role });
        await db.SaveChangesAsync();

        var client = CreateBrowserlessClient();
        await client.SignInAsync(email, password);
        return new Tenant(this, business.Id, user.Id, email, password, client);
    }

    private static void DropDatabase(string server, string name)
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(server);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // test.sh drops leftover test databases before the next run.
        }
    }
}

/// <summary>Tests that write media files run one after another, so the staging folder can be checked for leftovers.</summary>
[CollectionDefinition(Name)]
public sealed class MediaCollection
{
    public const string Name = "media";
}

public sealed record KeyRingCertificate(string Path, string Password)
{
    public static KeyRingCertificate Create()
    {
        var certificate = new KeyRingCertificate(
            System.IO.Path.Combine(Directory.CreateTempSubdirectory("videostudio-keyring-").FullName, "keyring.pfx"), Guid.NewGuid().ToString("N"));
        KeyRing.WriteSelfSignedCertificate(certificate.Path, certificate.Password);
        return certificate;
    }
}

public sealed record Tenant(StudioApp App, Guid BusinessId, string UserId, string Email, string Password, HttpClient Client)
{
    public async Task<Guid> CreateContentAsync(string title = "A content item", string? script = "Hello from the main script.", string? shortScript = "Hello from the short script.")
    {
        var id = Guid.NewGuid();
        await App.WithDbAsync(async db =>
        {
            db.Content.Add(new Content
            {
                Id = id,
                BusinessId = BusinessId,
                Title = title,
                VideoScript = script,
                ShortVideoScript = shortScript,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        });
        return id;
    }
}
