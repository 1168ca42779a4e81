using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace VideoStudio.Core.Media;

/// <summary>
/// <c>dotnet VideoStudio.Web.dll copy-media-to-blob</c>: copies every file of the local media folder (Studio:MediaRoot) into
/// the Azure Blob container of Studio:Media:AzureBlob, under the same keys. A file already there with the same size is
/// skipped (files never change after they are named), so it can run again at any time, while the app keeps serving from
/// the folder; the last run after the switch to Provider=AzureBlob copies what arrived meanwhile.
/// </summary>
public static class MediaCopy
{
    public const string Verb = "copy-media-to-blob";

    public sealed record Outcome(int Copied, int Skipped, int Ignored, long Bytes);

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, CancellationToken ct)
    {
        var local = new LocalMediaStore(Options.Create(new MediaOptions { Root = configuration["Studio:MediaRoot"] is { Length: > 0 } root ? root : new MediaOptions().Root }));
        var blob = new BlobMediaStore(Options.Create(configuration.GetSection(BlobOptions.Section).Get<BlobOptions>() ?? new BlobOptions()));
        output.WriteLine($"Copying media from {local.Description} to {blob.Description} ...");
        var clock = Stopwatch.StartNew();
        try
        {
            var outcome = await CopyAsync(local, blob, (key, bytes) => output.WriteLine($"  {key} ({MediaStore.FormatBytes(bytes)})"), ct);
            output.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0} s: {outcome.Copied} files copied ({MediaStore.FormatBytes(outcome.Bytes)}), " +
                $"{outcome.Skipped} already there, {outcome.Ignored} not media files left alone. Safe to run again.");
            return 0;
        }
        catch (MediaUnavailableException down)
        {
            output.WriteLine($"Stopped: the blob store did not answer ({down.Message}). What was copied stays; run the command again.");
            return 1;
        }
    }

    public static async Task<Outcome> CopyAsync(MediaStore from, MediaStore to, Action<string, long> copied, CancellationToken ct)
    {
        var (done, skipped, ignored, bytes) = (0, 0, 0, 0L);
        await foreach (var key in from.ListKeysAsync(ct))
        {
            if (MediaStore.ContentTypeOf(key) is not { } contentType)
            {
                ignored++;
                continue;
            }
            await using var source = await from.OpenReadAsync(key, ct);
            if (source is null)
            {
                continue;
            }
            if (await to.HasAsync(key, source.Length, ct))
            {
                skipped++;
                continue;
            }
            await to.CopyInAsync(key, source, contentType, ct);
            copied(key, source.Length);
            done++;
            bytes += source.Length;
        }
        return new Outcome(done, skipped, ignored, bytes);
    }
}
