using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Webhooks;

/// <summary>
/// An endpoint's signing secret: made here, shown once to the admin (whsec_…, Standard Webhooks' form), kept as Data
/// Protection ciphertext so deliveries can sign with it, and never logged or passed to a job.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("VideoStudio.Webhooks.SigningSecret.v1");

    public const string Prefix = "whsec_";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public IntegrationSecret Protect(string secret) => IntegrationSecret.Protect(_protector, secret);

    public string Unprotect(IntegrationSecret secret) => _protector.Unprotect(secret.Ciphertext);
}
