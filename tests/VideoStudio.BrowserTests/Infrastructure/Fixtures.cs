namespace VideoStudio.BrowserTests.Infrastructure;

public static class Fixtures
{
    /// <summary>3 s, 320×180 H.264 + AAC, made with ffmpeg's test source (see Fixtures/README.md).</summary>
    public static string SampleMp4 => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample.mp4");

    /// <summary>3 s, 180×320 H.264 + AAC: a second, different file for "Upload New".</summary>
    public static string SamplePortraitMp4 => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample-portrait.mp4");
}
