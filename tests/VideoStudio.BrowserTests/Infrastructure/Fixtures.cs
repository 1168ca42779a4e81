namespace VideoStudio.BrowserTests.Infrastructure;

public static class Fixtures
{
    /// <summary>tests/fixtures/sample-16x9.mp4: 3 s, 640×360 H.264 + AAC, which Chromium plays.</summary>
    public static string SampleMp4 => Path.Combine(AppContext.BaseDirectory, "fixtures", "sample-16x9.mp4");
}
