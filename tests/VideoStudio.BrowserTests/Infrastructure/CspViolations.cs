using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>
/// Every page of a browser context reports each Content-Security-Policy violation the browser raises (an inline script,
/// style or handler, eval, a resource from elsewhere), and the test that opened the context fails on any of them: the app
/// runs with its real policy in every browser test.
/// </summary>
public sealed class CspViolations
{
    private const string Binding = "__videoStudioCspViolation";

    private static readonly ConditionalWeakTable<IBrowserContext, CspViolations> Watched = new();

    private readonly ConcurrentQueue<string> _seen = new();

    public IReadOnlyCollection<string> Seen => _seen;

    public static async Task WatchAsync(IBrowserContext context)
    {
        var violations = new CspViolations();
        Watched.Add(context, violations);
        await context.ExposeFunctionAsync<string>(Binding, violations._seen.Enqueue);
        await context.AddInitScriptAsync($$"""
            document.addEventListener('securitypolicyviolation', e =>
              window.{{Binding}}(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline code'} on ${e.documentURI} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
            """);
    }

    public static CspViolations Of(IBrowserContext context) =>
        Watched.TryGetValue(context, out var violations) ? violations : throw new InvalidOperationException("This browser context is not watched for CSP violations.");

    public void Clear() => _seen.Clear();

    public void AssertNone() => Assert.True(_seen.IsEmpty, "The Content-Security-Policy was violated:\n" + string.Join("\n", _seen));
}
