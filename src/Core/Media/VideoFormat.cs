namespace VideoStudio.Core.Media;

/// <summary>A video container recognised by its first bytes, never by the file name or the declared type.</summary>
public sealed record VideoFormat(string Extension, string ContentType)
{
    public static readonly VideoFormat Mp4 = new("mp4", "video/mp4");
    public static readonly VideoFormat QuickTime = new("mov", "video/quicktime");
    public static readonly VideoFormat WebM = new("webm", "video/webm");

    public static readonly VideoFormat[] All = [Mp4, QuickTime, WebM];

    /// <summary>How many leading bytes <see cref="Detect"/> wants to see.</summary>
    public const int HeaderLength = 64;

    public static VideoFormat? Detect(ReadOnlySpan<byte> head)
    {
        // ISO base media (MP4, MOV): a box size, then "ftyp", then the major brand.
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return head[8..12].SequenceEqual("qt  "u8) ? QuickTime : Mp4;
        }
        // Matroska/WebM: the EBML magic, and a DocType of "webm" within the header.
        if (head.Length >= 4 && head[..4].SequenceEqual(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }) && head.IndexOf("webm"u8) > 0)
        {
            return WebM;
        }
        return null;
    }

    public static VideoFormat? FromExtension(string extension) =>
        All.FirstOrDefault(f => string.Equals(f.Extension, extension, StringComparison.OrdinalIgnoreCase));
}
