using VideoStudio.Web.Pages.Invitations;

namespace VideoStudio.Web.Seed;

/// <summary>
/// The last lines of a start: where the app listens and how to get in (the demo logins, or the first-run link). Written once
/// the server listens, after the framework's own start-up lines, so a newcomer finds it at the bottom of the terminal.
/// </summary>
public static class StartBanner
{
    public static void PrintWhenStarted(WebApplication app, bool demo, string? setupPath) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var url = app.Urls.FirstOrDefault() ?? "";
            var lines = new List<string> { "", $"  VideoStudio is running at {string.Join(", ", app.Urls)}", "" };
            if (demo)
            {
                lines.Add("  Demo logins:");
                lines.AddRange(DemoData.Logins.Select(l => $"    {l.Email,-28} {l.Password,-16} {l.Description}"));
                lines.Add("");
            }
            if (setupPath is not null)
            {
                lines.Add("  No user exists yet. Open this one-time link to create the first site administrator");
                lines.Add($"  (it works once, for {FirstRun.LinkLifetime.TotalHours:0} hours; a restart without users prints a new one):");
                lines.Add($"    {url.TrimEnd('/')}{setupPath}");
                lines.Add("");
            }
            if (demo)
            {
                lines.Add("  Ctrl+C stops the app; './run.sh --stop-db' stops the database.");
                lines.Add("");
            }
            app.Logger.LogInformation("{Banner}", string.Join(Environment.NewLine, lines));
        });
}
