using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace VideoStudio.Web.Auth;

public sealed class SignInLimitOptions
{
    /// <summary>Attempts from one IP address, whatever the accounts: slows guessing across many accounts.</summary>
    public int PerAddress { get; set; } = 30;

    /// <summary>
    /// Attempts on one account from one IP address. Deliberately not per account alone: that would let anyone lock the
    /// owner out by failing on purpose; this way a stranger only locks themselves out.
    /// </summary>
    public int PerAccount { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The framework's rate limiters (System.Threading.RateLimiting) for sign-in, partitioned by address and by account.</summary>
public sealed class SignInLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _byAddress;
    private readonly PartitionedRateLimiter<string> _byAccount;

    public SignInLimiter(IOptions<SignInLimitOptions> options)
    {
        var o = options.Value;
        _byAddress = Create(o.PerAddress, o.Window);
        _byAccount = Create(o.PerAccount, o.Window);
    }

    /// <summary>Null when the attempt may go ahead; otherwise how long to wait. Unknown and real e-mails are limited alike.</summary>
    public TimeSpan? Acquire(string? address, string email)
    {
        address ??= "unknown";
        using var byAddress = _byAddress.AttemptAcquire(address);
        if (!byAddress.IsAcquired)
        {
            return RetryAfter(byAddress);
        }
        using var byAccount = _byAccount.AttemptAcquire(address + "|" + email.Trim().ToUpperInvariant());
        return byAccount.IsAcquired ? null : RetryAfter(byAccount);
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);

    private static PartitionedRateLimiter<string> Create(int limit, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = window,
            QueueLimit = 0,
        }));

    public void Dispose()
    {
        _byAddress.Dispose();
        _byAccount.Dispose();
    }
}
