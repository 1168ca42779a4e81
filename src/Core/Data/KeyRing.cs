using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

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
            return dataProtection.ProtectKeysWithCertificate(thumbprint);
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
