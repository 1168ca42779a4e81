namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>Screenshots for a person to look at, written under the repository's ignored artifacts/ folder.</summary>
public static class Artifacts
{
    public static readonly string ScreenshotDirectory = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("VIDEOSTUDIO_ARTIFACTS") is { Length: > 0 } configured
            ? Path.Combine(configured, "screenshots")
            : Path.Combine(RepositoryRoot(), "artifacts", "screenshots")).FullName;

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VideoStudio.sln")))
            {
                return dir.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }
}
