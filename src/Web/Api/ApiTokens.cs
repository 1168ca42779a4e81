using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VideoStudio.Core.Data;

namespace VideoStudio.Web.Api;

/// <summary>
/// API tokens: "vs_" and 43 characters of base64url (256 random bits). Only the SHA-256 is stored: with that much entropy
/// a fast hash cannot be reversed or guessed, so a database dump yields no working token.
/// </summary>
public static class ApiTokens
{
    public const string Scheme = "ApiToken";
    public const string TokenPrefix = "vs_";
    public const string TokenClaim = "api_token";
    public const string BusinessClaim = "api_business";
    public const string ScopeClaim = "api_scope";
    public const int MaxNameLength = 100;

    /// <summary>A new token and its row; the token is returned once and never again.</summary>
    public static (string Token, ApiToken Row) Issue(Guid businessId, string name, ApiScope scope, string createdBy, DateTimeOffset now)
    {
        var token = TokenPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (token, new ApiToken
        {
            Id = Guid.NewGuid(),
            BusinessId = businessId,
            Name = name,
            Scope = scope,
            TokenHash = Hash(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            CreatedBy = createdBy,
            CreatedAt = now,
        });
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The content a request may see: its user's businesses, and for an API token only the token's business, so a token of
    /// one business never reaches another's content even when its maker belongs to both.
    /// </summary>
    public static IQueryable<Content> ContentVisibleTo(this StudioDb db, ClaimsPrincipal user)
    {
        var visible = Tenancy.ContentVisibleTo(db, Auth.AuthExtensions.UserId(user));
        return user.FindFirstValue(BusinessClaim) is { } business && Guid.TryParse(business, out var businessId)
            ? visible.Where(c => c.BusinessId == businessId)
            : visible;
    }

    public static Guid BusinessId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(BusinessClaim)!);

    public static Guid TokenId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(TokenClaim)!);
}

/// <summary>
/// "Authorization: Bearer vs_…": the request acts as the admin who made the token, within the token's business only.
/// A token stops working when it is revoked, and when its maker is no longer a member of the business. Refusals are
/// problem details (RFC 9457), like every other answer of the API.
/// </summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, StudioDb db, TimeProvider clock,
    InvalidTokenLimiter invalidTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Last-used is a convenience for the settings page, so it is written at most this often, not on every request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        // Checked before the token is even looked at: an address that sent too many bad ones learns nothing more for a while.
        if (invalidTokens.Blocked(Context) is { } wait)
        {
            return Throttled(wait);
        }
        var token = header["Bearer ".Length..].Trim();
        if (!token.StartsWith(ApiTokens.TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return Refused("Not an API token.");
        }
        var hash = ApiTokens.Hash(token);
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Where(t => db.BusinessMembers.Any(m => m.BusinessId == t.BusinessId && m.UserId == t.CreatedBy))
            .Select(t => new { t.Id, t.BusinessId, t.Scope, t.CreatedBy, t.LastUsedAt })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return Refused("Unknown or revoked token.");
        }
        var now = clock.GetUtcNow();
        if (found.LastUsedAt is null || found.LastUsedAt < now - LastUsedResolution)
        {
            // SQL, not ExecuteUpdate: see SessionCheck (the first ExecuteUpdate of a process cost its request ~35 ms).
            await db.Database.ExecuteSqlAsync($"UPDATE api_tokens SET last_used_at = {now} WHERE id = {found.Id}", Context.RequestAborted);
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, found.CreatedBy),
            new Claim(ApiTokens.TokenClaim, found.Id.ToString()),
            new Claim(ApiTokens.BusinessClaim, found.BusinessId.ToString()),
            new Claim(ApiTokens.ScopeClaim, found.Scope == ApiScope.Write ? "write" : "read"),
        ], ApiTokens.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiTokens.Scheme));
    }

    private AuthenticateResult Refused(string why) =>
        invalidTokens.Count(Context) is { } wait ? Throttled(wait) : AuthenticateResult.Fail(why);

    private AuthenticateResult Throttled(TimeSpan wait)
    {
        Context.Items[typeof(InvalidTokenLimiter)] = wait;
        return AuthenticateResult.Fail("Too many refused tokens from this address.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[typeof(InvalidTokenLimiter)] is TimeSpan wait)
        {
            var seconds = Math.Max(1, Math.Ceiling(wait.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiProblems.Write(Context, StatusCodes.Status429TooManyRequests, "Too many refused tokens",
                $"This address sent too many tokens that do not work. Wait {seconds:0} s (Retry-After), then send a valid token.");
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblems.Write(Context, StatusCodes.Status401Unauthorized, "A valid API token is required",
            "Send \"Authorization: Bearer <token>\" with a token from Settings › API tokens. A revoked token, or one whose maker left the business, no longer works.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await ApiProblems.Write(Context, StatusCodes.Status403Forbidden, "This token may only read",
            "Changes need a token with the write scope; a business admin can create one under Settings › API tokens.");
}

/// <summary>
/// Counts refused bearer tokens per client address (<see cref="ApiOptions.InvalidTokensPerMinute"/>). The per-token limit
/// only sees requests that authenticated, so without this, guesses would cost a caller nothing but the round trip.
/// </summary>
public sealed class InvalidTokenLimiter(IOptions<ApiOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.InvalidTokensPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    /// <summary>How long the request's address must wait, when it has used up its refusals; null when it may still try.</summary>
    public TimeSpan? Blocked(HttpContext http) => WaitOf(_limiter.AttemptAcquire(AddressOf(http), 0));

    /// <summary>Counts one refusal; answers how long to wait when that one went past the limit.</summary>
    public TimeSpan? Count(HttpContext http) => WaitOf(_limiter.AttemptAcquire(AddressOf(http)));

    private static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "";

    private static TimeSpan? WaitOf(RateLimitLease lease)
    {
        using (lease)
        {
            return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
