using Microsoft.AspNetCore.DataProtection;

namespace VideoStudio.Web.Media;

/// <summary>
/// Short-lived links to one media file for API clients, which hold no cookie: <c>/media/{file}?link=…</c>, where the link
/// is the file's name protected with Data Protection and an expiry. Anyone holding the link can fetch that one file until
/// it expires; it opens nothing else.
/// </summary>
public sealed class FileLinks(IDataProtectionProvider protection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("VideoStudio.Media.FileLink.v1").ToTimeLimitedDataProtector();

    public sealed record Link(string Url, DateTimeOffset ExpiresAt);

    public Link For(string storageKey)
    {
        var expires = clock.GetUtcNow() + Lifetime;
        return new Link($"/media/{storageKey}?link={_protector.Protect(storageKey, expires)}", expires);
    }

    /// <summary>When the link expires, if it was made for this file and has not expired yet; otherwise null.</summary>
    public DateTimeOffset? Opens(string? link, string storageKey)
    {
        if (string.IsNullOrEmpty(link) || link.Length > 1000)
        {
            return null;
        }
        try
        {
            return _protector.Unprotect(link, out var expires) == storageKey ? expires : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
