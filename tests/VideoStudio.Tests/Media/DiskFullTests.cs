using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core.Media;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Media;

/// <summary>
/// Media storage on a 256 KiB tmpfs, so writes really fail with "no space left on device". Mounting needs root, which
/// test.sh has on the project's machines; elsewhere the mount fails and so does this test, saying why.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly StudioApp _app = StudioApp.Instance;
    private readonly string _mount = Directory.CreateTempSubdirectory("videostudio-full-").FullName;

    public async Task InitializeAsync() => await RunAsync("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", _mount);

    public async Task DisposeAsync()
    {
        await RunAsync("umount", _mount);
        Directory.Delete(_mount);
    }

    [Fact]
    public async Task A_full_disk_is_said_in_plain_words_logged_as_an_error_and_changes_nothing()
    {
        await using var full = _app.WithWebHostBuilder(b => b.UseSetting("Studio:MediaRoot", _mount));
        var client = full.CreateBrowserlessClient();
        var member = await _app.Seed.MemberAsync();
        await client.SignInAsync(member.Email, member.Password);
        var id = await _app.Seed.ContentAsync(member.BusinessId);
        var page = await client.GetDocumentAsync($"/content/{id}");
        var video = new byte[600_000];
        Videos.PaddedMp4Head(video.Length).CopyTo(video, 0);
        var logged = _app.Logs.Lines.Count();

        var single = await client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(video, "big.mp4"));
        var tus = new Tus(client, page);
        var url = await tus.StartAsync(id, "long", video.Length, "big.mp4");
        var chunk = await tus.PatchAsync(url, 0, video);

        Assert.Equal(HttpStatusCode.InsufficientStorage, single.StatusCode);
        Assert.Contains(MediaStore.DiskFullMessage, (await single.FragmentAsync()).Body!.TextContent);
        Assert.Equal(HttpStatusCode.InsufficientStorage, chunk.StatusCode);
        Assert.Equal(MediaStore.DiskFullMessage, await chunk.Content.ReadAsStringAsync());
        Assert.Equal(0, Tus.Offset(await tus.HeadAsync(url)));
        Assert.Equal(2, _app.Logs.Lines.Skip(logged).Count(l => l.StartsWith("Error") && l.Contains("out of space")));
        Assert.Null(await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync()));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_mount, "tmp")), f => new FileInfo(f).Length > 0);
        await tus.DeleteAsync(url);
    }

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed (it needs root): {error}");
    }
}
