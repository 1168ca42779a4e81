using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Content;

[Collection(MediaCollection.Name)]
public class ResumableUploadsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    private async Task<(Tenant Tenant, Guid Id, Tus Tus)> EditorWithContentAsync()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        return (tenant, id, new Tus(tenant.Client, page));
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    [Fact]
    public async Task Options_names_the_version_the_extensions_and_the_size_limit()
    {
        var (tenant, _, tus) = await EditorWithContentAsync();

        var response = await tenant.Client.SendAsync(tus.Request(HttpMethod.Options, "/uploads"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal(["creation", "termination", "expiration", "checksum"], response.Headers.GetValues("Tus-Extension").Single().Split(','));
        Assert.Equal(StudioApp.UploadLimit.ToString(), response.Headers.GetValues("Tus-Max-Size").Single());
    }

    [Fact]
    public async Task A_video_sent_in_chunks_becomes_the_slots_video_once_even_when_the_last_chunk_is_sent_twice()
    {
        var (tenant, id, tus) = await EditorWithContentAsync();
        var video = Videos.Mp4;
        var url = await tus.StartAsync(id, "long", video.Length, "launch.mp4");
        Assert.Equal(0, Tus.Offset(await tus.HeadAsync(url)));

        var first = await tus.PatchAsync(url, 0, video.AsMemory(0, 10_000));
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(10_000, Tus.Offset(first));
        var head = await tus.HeadAsync(url);
        Assert.Equal(10_000, Tus.Offset(head));
        Assert.Equal(video.Length.ToString(), head.Headers.GetValues("Upload-Length").Single());
        Assert.Equal("no-store", head.Headers.CacheControl!.ToString());
        Assert.Null(await _app.WithDbAsync(db => db.Content.Where(c => c.Id == id).Select(c => c.VideoLongUrl).SingleAsync()));

        var last = await tus.PatchAsync(url, 10_000, video.AsMemory(10_000));
        var again = await tus.PatchAsync(url, 10_000, video.AsMemory(10_000));

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal(video.Length, Tus.Offset(last));
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(video.Length, Tus.Offset(again));
        var asset = await _app.WithDbAsync(db => db.VideoAssets.SingleAsync(a => a.ContentId == id));
        Assert.Equal(("launch.mp4", video.Length, Sha256(video), VideoSource.Upload), (asset.OriginalFileName, asset.SizeBytes, asset.Sha256, asset.Source));
        var card = (await tenant.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;
        Assert.Equal("video", card.GetAttribute("data-state"));
        Assert.Equal($"/media/{asset.StorageKey}", card.QuerySelector("video")!.GetAttribute("src"));
        Assert.Equal(["started", "succeeded"], await _app.WithDbAsync(db => db.VideoEvents.Where(e => e.ContentId == id).OrderBy(e => e.Id).Select(e => e.Outcome).ToListAsync()));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_chunk_at_the_wrong_offset_is_409_and_changes_nothing()
    {
        var (_, id, tus) = await EditorWithContentAsync();
        var video = Videos.Mp4;
        var url = await tus.StartAsync(id, "long", video.Length);
        await tus.PatchAsync(url, 0, video.AsMemory(0, 1000));

        var response = await tus.PatchAsync(url, 500, video.AsMemory(500, 1000));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(1000, Tus.Offset(await tus.HeadAsync(url)));
        await tus.DeleteAsync(url);
    }

    [Fact]
    public async Task A_chunk_of_another_content_type_is_415_and_not_written()
    {
        var (_, id, tus) = await EditorWithContentAsync();
        var url = await tus.StartAsync(id, "long", 1000);

        var wrongType = await tus.PatchAsync(url, 0, Videos.Mp4.AsMemory(0, 100), contentType: "application/octet-stream");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(0, Tus.Offset(await tus.HeadAsync(url)));
        await tus.DeleteAsync(url);
    }

    [Fact]
    public async Task A_chunk_without_the_tus_version_header_is_412()
    {
        var (tenant, id, tus) = await EditorWithContentAsync();
        var url = await tus.StartAsync(id, "long", 1000);
        var request = tus.Request(HttpMethod.Patch, url, new ByteArrayContent(Videos.Mp4[..100]));
        request.Headers.Remove("Tus-Resumable");
        request.Content!.Headers.ContentType = new(Tus.OffsetType);
        request.Headers.Add("Upload-Offset", "0");

        var response = await tenant.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        await tus.DeleteAsync(url);
    }

    [Fact]
    public async Task An_expired_upload_is_410_to_head_and_patch()
    {
        var (_, id, tus) = await EditorWithContentAsync();
        var url = await tus.StartAsync(id, "long", 1000);
        await _app.WithDbAsync(db => db.UploadSessions.Where(u => u.Id == Tus.IdOf(url))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));

        Assert.Equal(HttpStatusCode.Gone, (await tus.HeadAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await tus.PatchAsync(url, 0, Videos.Mp4.AsMemory(0, 100))).StatusCode);
        await tus.DeleteAsync(url);
    }

    [Fact]
    public async Task Termination_removes_the_upload_and_its_bytes()
    {
        var (_, id, tus) = await EditorWithContentAsync();
        var url = await tus.StartAsync(id, "long", Videos.Mp4.Length);
        await tus.PatchAsync(url, 0, Videos.Mp4.AsMemory(0, 5000));

        var deleted = await tus.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tus.HeadAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tus.PatchAsync(url, 5000, Videos.Mp4.AsMemory(5000, 100))).StatusCode);
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_file_that_is_not_a_video_is_refused_after_its_first_chunk_in_plain_words_and_the_old_video_stays()
    {
        var (tenant, id, tus) = await EditorWithContentAsync();
        await tenant.UploadAsync(await tenant.Client.GetDocumentAsync($"/content/{id}"), id, "long", Videos.Mp4, "keep.mp4");
        var text = new byte[300_000];
        "These are meeting notes, not a video."u8.CopyTo(text);
        var url = await tus.StartAsync(id, "long", text.Length, "notes.mp4");

        var response = await tus.PatchAsync(url, 0, text.AsMemory(0, 1000));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("This file is not a video we can play. Upload an MP4, MOV or WebM file.", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await tus.HeadAsync(url)).StatusCode);
        Assert.Equal("keep.mp4", await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id && a.ReplacedAt == null).Select(a => a.OriginalFileName).SingleAsync()));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_at_creation_in_plain_words()
    {
        var (_, id, tus) = await EditorWithContentAsync();

        var response = await tus.CreateAsync(id, "long", StudioApp.UploadLimit + 1);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than the limit of 1 MB", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await _app.WithDbAsync(db => db.UploadSessions.CountAsync(u => u.ContentId == id)));
    }

    [Fact]
    public async Task A_chunk_whose_checksum_differs_is_460_and_not_kept_and_a_matching_one_is_kept()
    {
        var (_, id, tus) = await EditorWithContentAsync();
        var video = Videos.Mp4;
        var url = await tus.StartAsync(id, "long", video.Length);
        var chunk = video.AsMemory(0, 4000);
        var right = "sha1 " + Convert.ToBase64String(SHA1.HashData(chunk.Span));
        var wrong = "sha1 " + Convert.ToBase64String(SHA1.HashData(video.AsSpan(1, 4000)));

        var damaged = await tus.PatchAsync(url, 0, chunk, checksum: wrong);
        Assert.Equal(460, (int)damaged.StatusCode);
        Assert.Equal(0, Tus.Offset(await tus.HeadAsync(url)));

        var intact = await tus.PatchAsync(url, 0, chunk, checksum: right);
        Assert.Equal(HttpStatusCode.NoContent, intact.StatusCode);
        Assert.Equal(4000, Tus.Offset(await tus.HeadAsync(url)));
        await tus.DeleteAsync(url);
    }

    [Fact]
    public async Task A_connection_cut_midway_keeps_what_arrived_and_the_upload_finishes_from_there()
    {
        var (_, id, tus) = await EditorWithContentAsync();
        var video = Videos.Mp4;
        var url = await tus.StartAsync(id, "long", video.Length);
        using var cut = new CancellationTokenSource();
        var body = new CutBody(video, cutAfter: 20_000, cut);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tus.PatchAsync(url, 0, body, ct: cut.Token));

        var resumedAt = await ResumeAsync(tus, url, video);
        Assert.InRange(resumedAt, 1, 20_000);
        Assert.Equal(Sha256(video), await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).Select(a => a.Sha256).SingleAsync()));
        _app.AssertNoStagedFilesLeft();
    }

    [Fact]
    public async Task Bytes_a_killed_process_wrote_past_the_recorded_offset_are_cut_off_and_the_video_is_intact()
    {
        var (_, id, tus) = await EditorWithContentAsync();
        var video = Videos.Mp4;
        var url = await tus.StartAsync(id, "long", video.Length);
        await tus.PatchAsync(url, 0, video.AsMemory(0, 8000));
        await using (var file = new FileStream(Path.Combine(_app.MediaRoot, "tmp", $"{Tus.IdOf(url):N}.upload"), FileMode.Append))
        {
            await file.WriteAsync(new byte[3000]);
        }

        var rest = await tus.PatchAsync(url, 8000, video.AsMemory(8000));

        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(Sha256(video), await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).Select(a => a.Sha256).SingleAsync()));
    }

    [Fact]
    public async Task Two_processes_share_one_upload_and_only_one_writes_at_a_time()
    {
        var (tenant, id, tus) = await EditorWithContentAsync();
        var video = Videos.Mp4;
        var other = _app.WithWebHostBuilder(_ => { });
        var otherClient = other.CreateBrowserlessClient();
        await otherClient.SignInAsync(tenant.Email, tenant.Password);
        var otherTus = new Tus(otherClient, await otherClient.GetDocumentAsync($"/content/{id}"));
        var url = await tus.StartAsync(id, "long", video.Length);

        Assert.Equal(HttpStatusCode.NoContent, (await otherTus.PatchAsync(url, 0, video.AsMemory(0, 10_000))).StatusCode);
        Assert.Equal(10_000, Tus.Offset(await tus.HeadAsync(url)));

        // The other process holds the upload while its chunk trickles in; this one must not write meanwhile.
        var release = new TaskCompletionSource();
        var held = new HeldBody(video.AsMemory(10_000, 10_000), release.Task);
        var slow = otherTus.PatchAsync(url, 10_000, held);
        await UntilLockedAsync(Tus.IdOf(url));
        var meanwhile = await tus.PatchAsync(url, 10_000, video.AsMemory(10_000, 10_000));
        release.SetResult();
        Assert.Equal(HttpStatusCode.Locked, meanwhile.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await slow).StatusCode);

        await other.DisposeAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await tus.PatchAsync(url, 20_000, video.AsMemory(20_000))).StatusCode);
        Assert.Equal(Sha256(video), await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.ContentId == id).Select(a => a.Sha256).SingleAsync()));
    }

    [Fact]
    public async Task Another_member_of_the_same_business_cannot_see_or_touch_an_upload()
    {
        var (tenant, id, tus) = await EditorWithContentAsync();
        var colleague = await _app.Seed.MemberAsync();
        await _app.WithDbAsync(db =>
        {
            db.BusinessMembers.Add(new Core.Data.BusinessMember { BusinessId = tenant.BusinessId, UserId = colleague.UserId, Role = MemberRole.Editor });
            return db.SaveChangesAsync();
        });
        var client = _app.CreateBrowserlessClient();
        await client.SignInAsync(colleague.Email, colleague.Password);
        var theirs = new Tus(client, await client.GetDocumentAsync($"/content/{id}"));
        var url = await tus.StartAsync(id, "long", Videos.Mp4.Length);

        Assert.Equal(HttpStatusCode.NotFound, (await theirs.HeadAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.PatchAsync(url, 0, Videos.Mp4.AsMemory(0, 100))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.DeleteAsync(url)).StatusCode);
        Assert.Equal(0, Tus.Offset(await tus.HeadAsync(url)));
        await tus.DeleteAsync(url);
    }

    /// <summary>Waits until some process holds the upload's advisory lock, as PostgreSQL reports it.</summary>
    private async Task UntilLockedAsync(Guid uploadId)
    {
        var key = (uint)Core.Data.AdvisoryLock.KeyOf(uploadId);
        for (var i = 0; i < 200; i++)
        {
            var held = await _app.WithDbAsync(db => db.Database.SqlQuery<int>(
                $"SELECT count(*)::int AS \"Value\" FROM pg_locks WHERE locktype = 'advisory' AND classid = {0x5455} AND objid::text::bigint = {(long)key} AND granted").SingleAsync());
            if (held > 0)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("No process took the upload's lock.");
    }

    /// <summary>Asks where the upload stands (the server may still be noticing the cut) and sends the rest; returns where it resumed.</summary>
    private static async Task<long> ResumeAsync(Tus tus, string url, byte[] video)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var offset = Tus.Offset(await tus.HeadAsync(url));
            var rest = await tus.PatchAsync(url, offset, video.AsMemory((int)offset));
            if (rest.StatusCode == HttpStatusCode.NoContent)
            {
                return offset;
            }
            Assert.True(rest.StatusCode is HttpStatusCode.Locked or HttpStatusCode.Conflict, $"Resuming answered {(int)rest.StatusCode}.");
            await Task.Delay(100);
        }
        throw new TimeoutException("The upload never became free to resume.");
    }

    /// <summary>A body that sends part of the bytes, then hangs up the way a dropped network does.</summary>
    private sealed class CutBody(byte[] bytes, int cutAfter, CancellationTokenSource cut) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, cutAfter));
            await stream.FlushAsync();
            await Task.Delay(200);
            await cut.CancelAsync();
            cut.Token.ThrowIfCancellationRequested();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return false;
        }
    }

    /// <summary>A body that sends its first byte, then waits to be released before sending the rest (a trickling client).</summary>
    private sealed class HeldBody(ReadOnlyMemory<byte> bytes, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes[..1]);
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(bytes[1..]);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
