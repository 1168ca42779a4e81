using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VideoStudio.TestSupport;

public static class StudioTestHost
{
    /// <summary>
    /// What every app under test shares, whatever else it turns on: the Testing environment, its own database and media folder,
    /// no demo data, and a key ring encrypted with a certificate as in production. The process that migrates is the one started with <paramref name="migrate"/>.
    /// </summary>
    public static IWebHostBuilder UseStudioTestSettings(this IWebHostBuilder builder, string connectionString, string mediaRoot, bool migrate = true) =>
        builder
            .UseEnvironment("Testing")
            .UseSetting("ConnectionStrings:Studio", connectionString)
            .UseSetting("Studio:Migrate", migrate ? "true" : "false")
            .UseSetting("Studio:SeedDemo", "false")
            .UseSetting("Studio:MediaRoot", mediaRoot)
            .UseSetting("Studio:KeyRing:CertificatePath", TestKeyRing.Certificate.CertificatePath)
            .UseSetting("Studio:KeyRing:CertificatePassword", TestKeyRing.Certificate.Password)
            // Every test client signs in from the same (absent) address; the per-account limit still applies.
            .UseSetting("Studio:SignIn:PerAddress", "1000000")
            // Likewise for refused API tokens: the tests that send them share that address.
            .UseSetting("Studio:Api:InvalidTokensPerMinute", "1000000");

    /// <summary>A client that keeps cookies and shows redirects instead of following them, so a test sees each answer.</summary>
    public static HttpClient CreateBrowserlessClient(this WebApplicationFactory<Program> app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A fresh, empty media folder for one app under test.</summary>
    public static string NewMediaRoot() => Directory.CreateTempSubdirectory("videostudio-media-").FullName;

    /// <summary>A loopback port nobody listens on, for an app under test on a real Kestrel server.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
