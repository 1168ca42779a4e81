using VideoStudio.Core.Data;

namespace VideoStudio.TestSupport;

/// <summary>
/// The certificate that encrypts the key ring of every app under test, as production requires one: made once per test
/// process (never committed), with a password of its own.
/// </summary>
public sealed record TestKeyRing(string CertificatePath, string Password)
{
    private static readonly Lazy<TestKeyRing> Shared = new(() =>
    {
        var keyRing = new TestKeyRing(Path.Combine(Directory.CreateTempSubdirectory("videostudio-keyring-").FullName, "keyring.pfx"), Guid.NewGuid().ToString("N"));
        KeyRing.WriteSelfSignedCertificate(keyRing.CertificatePath, keyRing.Password);
        return keyRing;
    });

    public static TestKeyRing Certificate => Shared.Value;
}
