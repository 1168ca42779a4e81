using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Auth;

/// <summary>The per-browser session rows behind the cookies (<see cref="UserSession"/>): opened at sign-in, ended by sign-out.</summary>
public static class UserSessions
{
    public const string Claim = "session_id";

    /// <summary>How stale a session's "last seen" may get before a request writes it again.</summary>
    public static readonly TimeSpan SeenPrecision = TimeSpan.FromMinutes(5);

    public static Guid? IdOf(ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(Claim), out var id) ? id : null;

    /// <summary>
    /// Every sign-in (the sign-in page, an accepted invitation, a refresh after a password change) passes here: a new
    /// browser gets a new row; a refresh in a browser whose session is still open keeps its id.
    /// </summary>
    public static async Task OnSigningInAsync(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || identity.FindFirst(ClaimTypes.NameIdentifier)?.Value is not { } userId)
        {
            return;
        }
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<StudioDb>();
        var now = DateTimeOffset.UtcNow;
        var current = http.User.FindFirstValue(ClaimTypes.NameIdentifier) == userId ? IdOf(http.User) : null;
        if (current is not { } id || !await db.UserSessions.AnyAsync(s => s.Id == id && s.UserId == userId && s.EndedAt == null))
        {
            id = Guid.NewGuid();
            var userAgent = http.Request.Headers.UserAgent.ToString();
            db.UserSessions.Add(new UserSession
            {
                Id = id,
                UserId = userId,
                CreatedAt = now,
                LastSeenAt = now,
                Address = http.Connection.RemoteIpAddress?.ToString(),
                UserAgent = userAgent.Length > 256 ? userAgent[..256] : userAgent,
            });
            await db.SaveChangesAsync();
        }
        identity.AddClaim(new Claim(Claim, id.ToString()));
    }

    public static Task EndAsync(StudioDb db, Guid sessionId, string userId) =>
        db.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, DateTimeOffset.UtcNow));

    /// <summary>Ends every open session of the account but <paramref name="except"/> (the browser that asked, when it stays signed in).</summary>
    public static Task EndAllAsync(StudioDb db, string userId, Guid? except = null) =>
        db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null && s.Id != except)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, DateTimeOffset.UtcNow));

    /// <summary>"Firefox on Windows" from a User-Agent: enough for a person to recognise their own devices.</summary>
    public static string Describe(string? userAgent)
    {
        var ua = userAgent ?? "";
        var browser = ua switch
        {
            _ when ua.Contains("Edg/") => "Edge",
            _ when ua.Contains("Firefox/") => "Firefox",
            _ when ua.Contains("Chrome/") || ua.Contains("Chromium/") => "Chrome",
            _ when ua.Contains("Safari/") => "Safari",
            _ => "A browser",
        };
        var system = ua switch
        {
            _ when ua.Contains("Android") => "Android",
            _ when ua.Contains("iPhone") || ua.Contains("iPad") => "iOS",
            _ when ua.Contains("Windows") => "Windows",
            _ when ua.Contains("Mac OS X") => "macOS",
            _ when ua.Contains("Linux") => "Linux",
            _ => null,
        };
        return system is null ? browser : $"{browser} on {system}";
    }
}
