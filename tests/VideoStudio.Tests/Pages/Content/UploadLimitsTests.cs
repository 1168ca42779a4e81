using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

/// <summary>Limits of a host of their own: a small storage quota per business and two uploads at once per user.</summary>
[Collection(MediaCollection.Name)]
public class UploadLimitsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    private async Task<(WebApplicationFactory<Program> Host, Tus Tus, Guid Id)> HostAsync(string quota, string concurrent)
    {
        var (host, tus, id, _, _) = await PlainHostAsync(quota, concurrent);
        return (host, tus, id);
    }

    /// <summary>The same, with what a plain (no-JS or htmx) multipart POST needs: the signed-in client and the content page.</summary>
    private async Task<(WebApplicationFactory<Program> Host, Tus Tus, Guid Id, HttpClient Client, IHtmlDocument Page)> PlainHostAsync(string quota, string concurrent)
    {
        var host = _app.WithWebHostBuilder(b => b.UseSetting("Studio:Upload:BusinessQuotaBytes", quota).UseSetting("Studio:Upload:MaxConcurrentPerUser", concurrent));
        var client = host.CreateBrowserlessClient();
        var member = await _app.Seed.MemberAsync();
        await client.SignInAsync(member.Email, member.Password);
        var id = await _app.Seed.ContentAsync(member.BusinessId);
        var page = await client.GetDocumentAsync($"/content/{id}");
        return (host, new Tus(client, page), id, client, page);
    }

    [Fact]
    public async Task A_business_at_its_storage_quota_is_told_how_much_it_uses_and_what_to_do()
    {
        var (host, tus, id) = await HostAsync("100000", "3");
        await using var _ = host;
        var video = Videos.Mp4;
        await tus.PatchAsync(await tus.StartAsync(id, "long", video.Length), 0, video);
        await tus.PatchAsync(await tus.StartAsync(id, "long", video.Length), 0, video);

        var third = await tus.CreateAsync(id, "long", video.Length);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, third.StatusCode);
        Assert.Equal($"This business has used {Core.Media.MediaStore.FormatBytes(2L * video.Length)} of its 97.7 KB of storage and this file needs " +
            $"{Core.Media.MediaStore.FormatBytes(video.Length)}. Remove earlier versions in History, or ask your administrator for more space.",
            await third.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_with_two_uploads_under_way_must_finish_or_cancel_one_before_a_third()
    {
        var (host, tus, id) = await HostAsync("0", "2");
        await using var _ = host;
        var first = await tus.StartAsync(id, "long", 1000);
        await tus.StartAsync(id, "short", 1000);

        var third = await tus.CreateAsync(id, "long", 1000);
        await tus.DeleteAsync(first);
        var afterCancel = await tus.CreateAsync(id, "long", 1000);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("You already have 2 uploads under way. Wait for one to finish, or cancel one, then try again.", await third.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, afterCancel.StatusCode);
        foreach (var url in await _app.WithDbAsync(db => db.UploadSessions.Where(u => u.ContentId == id).Select(u => u.Id).ToListAsync()))
        {
            await tus.DeleteAsync($"/uploads/{url:N}");
        }
    }

    [Fact]
    public async Task A_chunk_that_stalls_is_ended_and_what_arrived_before_is_kept()
    {
        var host = _app.WithWebHostBuilder(b => b.UseSetting("Studio:Upload:StallTimeout", "00:00:01"));
        await using var _ = host;
        var client = host.CreateBrowserlessClient();
        var member = await _app.Seed.MemberAsync();
        await client.SignInAsync(member.Email, member.Password);
        var id = await _app.Seed.ContentAsync(member.BusinessId);
        var tus = new Tus(client, await client.GetDocumentAsync($"/content/{id}"));
        var url = await tus.StartAsync(id, "long", Videos.Mp4.Length);
        var never = new TaskCompletionSource();

        var stalled = await tus.PatchAsync(url, 0, new StalledBody(Videos.Mp4.AsMemory(0, 5000), never.Task));

        Assert.Equal(HttpStatusCode.RequestTimeout, stalled.StatusCode);
        Assert.Contains("No data arrived for a while", await stalled.Content.ReadAsStringAsync());
        Assert.Equal(5000, Tus.Offset(await tus.HeadAsync(url)));
        never.SetResult();
        await tus.DeleteAsync(url);
    }

    [Fact]
    public async Task A_plain_upload_past_the_quota_is_refused_in_the_same_words_before_its_file_is_read()
    {
        var (host, tus, id, client, page) = await PlainHostAsync("100000", "3");
        await using var _ = host;
        var video = Videos.Mp4;
        await tus.PatchAsync(await tus.StartAsync(id, "long", video.Length), 0, video);
        await tus.PatchAsync(await tus.StartAsync(id, "long", video.Length), 0, video);

        var plain = await client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(video, "third.mp4"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, plain.StatusCode);
        Assert.Equal("#upload-dialog-long-error", plain.Headers.GetValues("HX-Retarget").Single());
        var words = (await plain.FragmentAsync()).Body!.TextContent.Trim();
        Assert.StartsWith($"This business has used {Core.Media.MediaStore.FormatBytes(2L * video.Length)} of its 97.7 KB of storage and this file needs", words);
        Assert.EndsWith("Remove earlier versions in History, or ask your administrator for more space.", words);
        Assert.Equal(2, await _app.WithDbAsync(db => db.VideoAssets.CountAsync(a => a.ContentId == id)));
        Assert.Equal("quota", await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id && e.Outcome == "failed").Select(e => e.ErrorKind).SingleAsync()));
        Assert.Equal(0, await _app.WithDbAsync(db => db.UploadSessions.CountAsync(u => u.ContentId == id && u.AssetId == null)));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_plain_upload_is_refused_while_the_user_has_as_many_uploads_under_way_as_allowed()
    {
        var (host, tus, id, client, page) = await PlainHostAsync("0", "2");
        await using var _ = host;
        var first = await tus.StartAsync(id, "long", 1000);
        var second = await tus.StartAsync(id, "short", 1000);

        var plain = await client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(Videos.Mp4, "third.mp4"));
        await tus.DeleteAsync(first);
        var afterCancel = await client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), Videos.Multipart(Videos.Mp4, "third.mp4"));

        Assert.Equal(HttpStatusCode.TooManyRequests, plain.StatusCode);
        Assert.Equal("You already have 2 uploads under way. Wait for one to finish, or cancel one, then try again.", (await plain.FragmentAsync()).Body!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.OK, afterCancel.StatusCode);
        await tus.DeleteAsync(second);
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_plain_upload_counts_as_under_way_while_it_arrives_and_stops_counting_when_it_ends()
    {
        var (host, tus, id, client, page) = await PlainHostAsync("0", "1");
        await using var _ = host;
        var release = new TaskCompletionSource();
        var plain = client.HtmxPostAsync(page, Videos.UploadUrl(id, "long"), new HeldBody(Videos.Multipart(Videos.Mp4, "slow.mp4"), 4000, release.Task));
        await UntilAsync(() => _app.WithDbAsync(db => db.UploadSessions.AnyAsync(u => u.ContentId == id)));

        var whileArriving = await tus.CreateAsync(id, "short", 1000);
        release.SetResult();
        var finished = await plain;
        var afterwards = await tus.CreateAsync(id, "short", 1000);

        Assert.Equal(HttpStatusCode.TooManyRequests, whileArriving.StatusCode);
        Assert.Equal("You already have an upload under way. Wait for it to finish, or cancel it, then try again.", await whileArriving.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
        Assert.Equal(1, await _app.WithDbAsync(db => db.UploadSessions.CountAsync(u => u.ContentId == id)));
        await tus.DeleteAsync(afterwards.Headers.Location!.OriginalString);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (var waited = 0; !await condition(); waited += 50)
        {
            Assert.True(waited < 10_000, "The plain upload never registered itself as under way.");
            await Task.Delay(50);
        }
    }

    /// <summary>A multipart body that sends its first bytes, then the rest only when released.</summary>
    private sealed class HeldBody : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly int _first;
        private readonly Task _release;

        public HeldBody(MultipartFormDataContent form, int first, Task release)
        {
            _bytes = form.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            _first = first;
            _release = release;
            Headers.ContentType = form.Headers.ContentType;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, _first));
            await stream.FlushAsync();
            await _release;
            await stream.WriteAsync(_bytes.AsMemory(_first));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }

    /// <summary>Sends its bytes, then nothing more until released, without ending the body.</summary>
    private sealed class StalledBody(ReadOnlyMemory<byte> bytes, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
            await release;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length * 2;
            return true;
        }
    }
}
