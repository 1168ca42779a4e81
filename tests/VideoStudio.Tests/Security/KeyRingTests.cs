using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
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
    public async Task Keys_written_before_the_certificate_was_configured_are_encrypted_by_the_next_start_and_still_open_what_they_protected()
    {
        await using var database = TestDatabase.Create();
        string session, secret;
        await using (var before = OnDatabase(database.ConnectionString, certificate: null))
        {
            var member = await new StudioSeed(before.Services).MemberAsync(MemberRole.Admin);
            session = (await before.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false })
                .SignInForSessionCookieAsync(member.Email, member.Password)).Split(';')[0];
            secret = Protector(before).Protect("a HeyGen key");
        }
        Assert.Contains(await KeyXmlAsync(database.ConnectionString), xml => xml.Contains("<masterKey") && !xml.Contains("encryptedSecret"));

        await using (var after = OnDatabase(database.ConnectionString, TestKeyRing.Certificate))
        {
            Assert.Equal("a HeyGen key", Protector(after).Unprotect(secret));
            Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(after, session)).StatusCode);
        }
        Assert.All(await KeyXmlAsync(database.ConnectionString), xml => Assert.Contains("encryptedSecret", xml));

        var dump = await PgDump.DumpAsync(database.ConnectionString);
        Assert.DoesNotContain("<masterKey", dump);
        await using var restored = await PgDump.RestoreAsync(dump);
        await using var dumpOnly = OnDatabase(restored.ConnectionString, certificate: null);
        Assert.ThrowsAny<CryptographicException>(() => Protector(dumpOnly).Unprotect(secret));
        Assert.Equal(HttpStatusCode.Redirect, (await GetWithCookieAsync(dumpOnly, session)).StatusCode);
    }

    [Fact]
    public async Task A_certificate_from_the_platform_store_named_by_its_thumbprint_encrypts_the_key_ring()
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(TestKeyRing.Certificate.CertificatePath, TestKeyRing.Certificate.Password,
            X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(certificate);
        try
        {
            await using var database = TestDatabase.Create();
            string secret;
            await using (var first = OnDatabase(database.ConnectionString, certificate: null, thumbprint: certificate.Thumbprint))
            {
                secret = Protector(first).Protect("a HeyGen key");
            }
            var keys = await KeyXmlAsync(database.ConnectionString);
            Assert.NotEmpty(keys);
            Assert.All(keys, xml => Assert.DoesNotContain("<masterKey", xml));
            await using var next = OnDatabase(database.ConnectionString, certificate: null, thumbprint: certificate.Thumbprint);
            Assert.Equal("a HeyGen key", Protector(next).Unprotect(secret));
        }
        finally
        {
            store.Remove(certificate);
        }
    }

    [Fact]
    public void A_thumbprint_not_in_the_platform_store_stops_the_start_saying_so()
    {
        using var app = _app.WithWebHostBuilder(b => b
            .UseSetting("Studio:KeyRing:CertificatePath", "")
            .UseSetting("Studio:KeyRing:CertificateThumbprint", "00112233445566778899AABBCCDDEEFF00112233"));

        Assert.Contains("00112233445566778899AABBCCDDEEFF00112233, which is in neither", StartupRefusal.MessagesOf(app));
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

    private WebApplicationFactory<Program> OnDatabase(string connectionString, TestKeyRing? certificate, string? thumbprint = null) =>
        _app.WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Studio", connectionString)
            .UseSetting("Studio:KeyRing:CertificatePath", certificate?.CertificatePath ?? "")
            .UseSetting("Studio:KeyRing:CertificatePassword", certificate?.Password ?? "")
            .UseSetting("Studio:KeyRing:CertificateThumbprint", thumbprint ?? ""));

    private static IDataProtector Protector(WebApplicationFactory<Program> app) =>
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key ring tests");

    private static async Task<List<string>> KeyXmlAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

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
