using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

/// <summary>
/// The key ring in PostgreSQL is encrypted with a certificate kept outside it: someone holding only a database dump gets
/// neither a business's HeyGen key nor a session cookie the app would accept, even running the app's own code on it.
/// </summary>
[Collection(MediaCollection.Name)]
public class KeyRingTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_database_dump_without_the_certificate_decrypts_no_HeyGen_key_and_forges_no_session()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var key = HeyGenSim.NewKey("dumped");
        await admin.SaveHeyGenSettingsAsync(key, HeyGenSim.Avatar, HeyGenSim.Voice);
        var session = (await _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false })
            .SignInForSessionCookieAsync(admin.Email, admin.Password)).Split(';')[0];
        await using var restored = await PgDump.RestoreAsync(await PgDump.DumpAsync(_app.ConnectionString));

        await using (var withCertificate = OnDatabase(restored.ConnectionString, TestKeyRing.Certificate))
        {
            Assert.Equal(key, (await AccountAsync(withCertificate, admin.BusinessId))!.ApiKey);
            Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(withCertificate, session)).StatusCode);
        }
        await using var dumpOnly = OnDatabase(restored.ConnectionString, certificate: null);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => AccountAsync(dumpOnly, admin.BusinessId));
        var forged = await GetWithCookieAsync(dumpOnly, session);
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.StartsWith("/account/login", forged.Headers.Location!.PathAndQueryOf());
    }

    [Fact]
    public void Production_refuses_to_start_without_a_certificate_and_says_how_to_give_one()
    {
        using var production = _app.WithWebHostBuilder(b => b
            .UseEnvironment("Production")
            .UseSetting("Studio:KeyRing:CertificatePath", "")
            .UseSetting("Studio:KeyRing:CertificatePassword", ""));

        var message = StartupRefusal.MessagesOf(production);

        Assert.Contains("Studio:KeyRing:CertificatePath", message);
        Assert.Contains("Studio:KeyRing:AllowUnencrypted", message);
    }

    [Fact]
    public async Task Production_starts_without_a_certificate_only_when_told_to()
    {
        await using var production = _app.WithWebHostBuilder(b => b
            .UseEnvironment("Production")
            .UseSetting("Studio:KeyRing:CertificatePath", "")
            .UseSetting("Studio:KeyRing:AllowUnencrypted", "true"));

        var response = await production.CreateClient().GetAsync("/account/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private WebApplicationFactory<Program> OnDatabase(string connectionString, TestKeyRing? certificate) =>
        _app.WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Studio", connectionString)
            .UseSetting("Studio:KeyRing:CertificatePath", certificate?.CertificatePath ?? "")
            .UseSetting("Studio:KeyRing:CertificatePassword", certificate?.Password ?? ""));

    private static async Task<HeyGenAccount?> AccountAsync(WebApplicationFactory<Program> app, Guid businessId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HeyGenSecrets>()
            .AccountForAsync(scope.ServiceProvider.GetRequiredService<StudioDb>(), businessId, CancellationToken.None);
    }

    private static Task<HttpResponseMessage> GetWithCookieAsync(WebApplicationFactory<Program> app, string cookie)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/content");
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }
}
