using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VideoStudio.Core.Data;

/// <summary>
/// The Data Protection key ring lives in PostgreSQL beside the data it protects (HeyGen keys, sign-in cookies), so each
/// key is encrypted with an X.509 certificate that does not: a database dump alone then decrypts nothing and forges
/// nothing. The certificate comes from a PFX file or the platform's certificate store.
/// </summary>
public static class KeyRing
{
    public const string Section = "Studio:KeyRing";

    /// <summary>The verb ./run.sh calls once to make the development certificate: <c>create-keyring-certificate PATH</c>.</summary>
    public const string CreateCertificateVerb = "create-keyring-certificate";

    public static IDataProtectionBuilder ProtectKeysWithStudioCertificate(this IDataProtectionBuilder dataProtection, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(Section);
        if (section["CertificatePath"] is { Length: > 0 } path)
        {
            return dataProtection.ProtectKeysWithCertificate(LoadCertificate(path, section["CertificatePassword"]));
        }
        if (section["CertificateThumbprint"] is { Length: > 0 } thumbprint)
        {
            return dataProtection.ProtectKeysWithCertificate(FindCertificate(thumbprint));
        }
        if (environment.IsProduction() && !section.GetValue("AllowUnencrypted", false))
        {
            throw new InvalidOperationException(
                $"No certificate protects the Data Protection key ring, which would be stored unencrypted in the database beside the secrets it protects. " +
                $"Set {Section}:CertificatePath to a PFX file with a private key (and {Section}:CertificatePassword if it has one), " +
                $"or {Section}:CertificateThumbprint to a certificate in the platform's store; `dotnet VideoStudio.Web.dll {CreateCertificateVerb} <path>` makes a self-signed one. " +
                $"To run without one anyway, set {Section}:AllowUnencrypted=true.");
        }
        return dataProtection;
    }

    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";

    /// <summary>
    /// Encrypts, in place, the keys that were written before a certificate was configured (Data Protection encrypts only
    /// the keys it makes, and would leave these readable in every dump until they expire). The key material stays the same,
    /// so cookies and HeyGen keys protected with it keep working; a dump taken before this ran still holds them in clear,
    /// which README.md tells the operator how to deal with. Does nothing without a certificate. Safe to run any number of times.
    /// </summary>
    public static async Task<int> EncryptKeysStoredInClearAsync(StudioDb db, KeyManagementOptions options, ILogger logger, CancellationToken ct)
    {
        if (options.XmlEncryptor is not { } encryptor)
        {
            return 0;
        }
        var encrypted = 0;
        foreach (var row in await db.DataProtectionKeys.Where(k => k.Xml != null && k.Xml.Contains("requiresEncryption")).ToListAsync(ct))
        {
            var key = XElement.Parse(row.Xml!);
            var inClear = key.Descendants().Where(RequiresEncryption).ToList();
            if (inClear.Count == 0)
            {
                continue;
            }
            // As Data Protection writes an encrypted key: each secret element replaced by the encryptor's output, wrapped in
            // an encryptedSecret element that names the decryptor to read it back with.
            foreach (var secret in inClear)
            {
                var info = encryptor.Encrypt(secret);
                secret.ReplaceWith(new XElement(DataProtectionNamespace + "encryptedSecret",
                    new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
            }
            row.Xml = key.ToString(SaveOptions.DisableFormatting);
            encrypted++;
        }
        if (encrypted > 0)
        {
            await db.SaveChangesAsync(ct);
            logger.LogWarning(
                "Encrypted {Count} Data Protection keys that were stored in clear before the key ring certificate was configured. " +
                "Backups of the database taken before now still hold them in clear (README.md, \"Deploying behind a reverse proxy\").", encrypted);
        }
        return encrypted;
    }

    private static bool RequiresEncryption(XElement element) =>
        (bool?)element.Attribute(DataProtectionNamespace + "requiresEncryption") == true;

    /// <summary>A self-signed RSA certificate for encrypting keys (never for TLS), valid for ten years, written as a PFX.</summary>
    public static void WriteSelfSignedCertificate(string path, string? password = null)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=VideoStudio key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// The certificate from the "My" store of the current user, else of the machine, found at start-up so a wrong
    /// thumbprint stops the app with a message instead of failing at the first key it writes.
    /// </summary>
    private static X509Certificate2 FindCertificate(string thumbprint)
    {
        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            using var store = new X509Store(StoreName.My, location);
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
            {
                // No such store here (Linux has no machine "My" store; a user's is made when first written).
                continue;
            }
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            if (found.Count > 0)
            {
                return found[0].HasPrivateKey
                    ? found[0]
                    : throw new InvalidOperationException($"The certificate {thumbprint} in the {location} store has no private key, so the key ring could be written but never read back.");
            }
        }
        throw new InvalidOperationException($"{Section}:CertificateThumbprint names {thumbprint}, which is in neither the current user's nor the machine's \"My\" certificate store.");
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{Section}:CertificatePath names {path}, which does not exist. `dotnet VideoStudio.Web.dll {CreateCertificateVerb} <path>` makes one.");
        }
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"The certificate in {path} has no private key, so the key ring could be written but never read back.");
        }
        return certificate;
    }
}
