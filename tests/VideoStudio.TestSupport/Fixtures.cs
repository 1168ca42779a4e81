namespace VideoStudio.TestSupport;

/// <summary>The sample files in tests/fixtures, which each test project copies beside its assembly.</summary>
public static class Fixtures
{
    /// <summary>tests/fixtures/sample-16x9.mp4: 3 s, 640×360 H.264 + AAC, which Chromium plays.</summary>
    public static string SampleMp4 => Path.Combine(AppContext.BaseDirectory, "fixtures", "sample-16x9.mp4");

    /// <summary>tests/fixtures/sample-9x16.webm: a portrait WebM.</summary>
    public static string SampleWebM => Path.Combine(AppContext.BaseDirectory, "fixtures", "sample-9x16.webm");
}
