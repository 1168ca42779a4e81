namespace VideoStudio.Core.Media;

/// <summary>A poster image recognised by its first bytes (HeyGen does not say which format its thumbnails are).</summary>
public sealed record PosterFormat(string Extension, string ContentType)
{
    public static readonly PosterFormat Jpeg = new("jpg", "image/jpeg");
    public static readonly PosterFormat Png = new("png", "image/png");
    public static readonly PosterFormat WebP = new("webp", "image/webp");

    public static readonly PosterFormat[] All = [Jpeg, Png, WebP];

    public static PosterFormat? Detect(ReadOnlySpan<byte> head) =>
        head.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }) ? Jpeg
        : head.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 }) ? Png
        : head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8) ? WebP
        : null;

    public static PosterFormat? FromExtension(string extension) =>
        All.FirstOrDefault(f => string.Equals(f.Extension, extension, StringComparison.OrdinalIgnoreCase));
}
