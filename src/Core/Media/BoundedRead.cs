namespace VideoStudio.Core.Media;

public static class BoundedRead
{
    /// <summary>The whole stream in memory, or null as soon as it passes <paramref name="maxBytes"/> (the rest is not read).</summary>
    public static async Task<byte[]?> ReadAtMostAsync(this Stream source, long maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
