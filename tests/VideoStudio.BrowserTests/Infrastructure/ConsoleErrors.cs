using System.Collections.Concurrent;

namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>Errors the page wrote to the browser console or threw, as a person with the developer tools open would see them.</summary>
public sealed class ConsoleErrors
{
    private readonly ConcurrentQueue<(string Text, string Url)> _seen = new();

    public static ConsoleErrors Watch(IPage page)
    {
        var errors = new ConsoleErrors();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors._seen.Enqueue((message.Text, message.Location));
            }
        };
        page.PageError += (_, error) => errors._seen.Enqueue(("uncaught: " + error, ""));
        return errors;
    }

    /// <summary>
    /// Fails on any error seen since the last call. A status page (404, 403) is meant to answer with its status, and
    /// Chromium logs that answer as a failed load of the document itself: <paramref name="statusPage"/> lets that one pass.
    /// </summary>
    public void AssertNone(string where, Uri? statusPage = null)
    {
        var seen = _seen.ToArray().Where(e => statusPage is null || !e.Url.StartsWith(statusPage.ToString(), StringComparison.Ordinal)).ToArray();
        _seen.Clear();
        Assert.True(seen.Length == 0, $"The browser console shows errors on {where}:\n{string.Join("\n", seen.Select(e => $"{e.Text} ({e.Url})"))}");
    }
}
