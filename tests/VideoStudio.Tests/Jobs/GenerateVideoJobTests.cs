using System.Net;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs.Generation;
using VideoStudio.Jobs.HeyGen;
using Microsoft.Extensions.Options;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

/// <summary>The generation job against the real database and the HeyGen simulator over real HTTP; each run of a step is what one Hangfire execution does.</summary>
[Collection(MediaCollection.Name)]
public class GenerateVideoJobTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Theory]
    [InlineData(VideoSlot.Long, "16:9", "simulated-avatar.mp4")]
    [InlineData(VideoSlot.Short, "9:16", "simulated-avatar-portrait.mp4")]
    public async Task A_generation_renders_at_the_slots_aspect_ratio_and_becomes_the_slots_ai_video(VideoSlot slot, string aspectRatio, string file)
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey();
        await tenant.ConfigureHeyGenAsync(key);
        var contentId = await tenant.CreateContentAsync("Sourdough basics", "The long script.", "The short script.");
        var generationId = await tenant.QueueGenerationAsync(contentId, slot);

        var next = await _app.StepAsync(generationId);

        Assert.NotNull(next);
        var submitted = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Submitted, submitted.Status);
        var video = Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
        Assert.Equal(video.VideoId, submitted.ProviderVideoId);
        var sent = Assert.Single(HeyGenSim.State.CreateBodiesFor(generationId.ToString()));
        Assert.Equal("avatar", (string?)sent["type"]);
        Assert.Equal(aspectRatio, (string?)sent["aspect_ratio"]);
        Assert.Equal("720p", (string?)sent["resolution"]);
        Assert.Equal("srt", (string?)sent["caption"]?["file_format"]);
        Assert.Equal(slot == VideoSlot.Long ? "The long script." : "The short script.", (string?)sent["script"]);
        Assert.Equal((HeyGenSim.Avatar, HeyGenSim.Voice), ((string?)sent["avatar_id"], (string?)sent["voice_id"]));
        Assert.Equal($"Sourdough basics · {slot.Title()}", (string?)sent["title"]);
        Assert.Equal(generationId.ToString(), video.IdempotencyKey);

        await _app.DriveAsync(generationId);

        var done = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, done.Status);
        var asset = await _app.WithDbAsync(db => db.VideoAssets.AsNoTracking().SingleAsync(a => a.Id == done.AssetId));
        Assert.Equal((contentId, slot, VideoSource.Ai, "video/mp4"), (asset.ContentId, asset.Slot, asset.Source, asset.ContentType));
        await using (var expected = SimulatedHeyGen.OpenAsset(file))
        {
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(expected)), asset.Sha256, ignoreCase: true);
        }
        Assert.True(File.Exists(Path.Combine(_app.MediaRoot, asset.StorageKey)));
        var content = await _app.WithDbAsync(db => db.Content.AsNoTracking().SingleAsync(c => c.Id == contentId));
        Assert.Equal($"/media/{asset.StorageKey}", content.VideoUrl(slot));
        Assert.Equal(["succeeded"], await OutcomesAsync(generationId));

        var card = await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot={slot.Key()}")).FragmentAsync();
        Assert.Equal("video", card.QuerySelector($"#video-card-{slot.Key()}")!.GetAttribute("data-state"));
        Assert.Equal($"/media/{asset.StorageKey}", card.QuerySelector("video")!.GetAttribute("src"));
    }

    [Theory]
    [InlineData("upload")]
    [InlineData("delete")]
    public async Task An_upload_or_delete_made_while_the_render_ran_stays_and_the_finished_AI_video_is_kept_aside(string action)
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var contentId = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{contentId}");
        if (action == "delete")
        {
            await tenant.UploadAsync(page, contentId, "long", Videos.Mp4, "before.mp4");
        }
        var generationId = await tenant.QueueGenerationAsync(contentId, VideoSlot.Long);
        await _app.StepAsync(generationId);
        var generating = await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync();
        Assert.Contains("Uploading or deleting now wins", generating.QuerySelector("#video-card-long-while-generating")!.TextContent);

        var choice = action == "upload"
            ? await tenant.UploadAsync(page, contentId, "long", Videos.Mp4, "mine.mp4")
            : await tenant.Client.HtmxPostAsync(page, $"/content/{contentId}?handler=Delete&slot=long");
        Assert.Equal(HttpStatusCode.OK, choice.StatusCode);
        var chosenUrl = await _app.WithDbAsync(db => db.Content.Where(c => c.Id == contentId).Select(c => c.VideoLongUrl).SingleAsync());
        await _app.DriveAsync(generationId);

        var done = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, done.Status);
        var aside = await _app.WithDbAsync(db => db.VideoAssets.AsNoTracking().SingleAsync(a => a.Id == done.AssetId));
        Assert.Equal(aside.CreatedAt, aside.ReplacedAt);
        Assert.True(File.Exists(Path.Combine(_app.MediaRoot, aside.StorageKey)));
        Assert.Equal(chosenUrl, await _app.WithDbAsync(db => db.Content.Where(c => c.Id == contentId).Select(c => c.VideoLongUrl).SingleAsync()));
        var card = (await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;
        Assert.Equal(action == "upload" ? "video" : "empty", card.GetAttribute("data-state"));
        Assert.Contains("kept aside", card.QuerySelector("#video-card-long-kept-aside")!.TextContent);

        // The editor's next choice takes the note away.
        await tenant.UploadAsync(page, contentId, "long", Videos.Mp4, "later.mp4");
        var later = (await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;
        Assert.Null(later.QuerySelector("#video-card-long-kept-aside"));
    }

    [Fact]
    public async Task The_simulator_tells_an_outside_process_how_many_renders_a_generation_submitted()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        using var observer = new HttpClient();
        var url = $"{HeyGenSim.Host.BaseUrl}/_simulator/submissions/{generationId}";
        Assert.Contains("\"submissions\":0", await observer.GetStringAsync(url));

        await _app.DriveAsync(generationId);

        Assert.Contains("\"submissions\":1", await observer.GetStringAsync(url));
    }

    [Fact]
    public async Task Two_server_errors_are_retried_with_backoff_and_the_third_try_submits()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("error500x2");
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        var first = await _app.StepAsync(generationId);
        var before = DateTimeOffset.UtcNow;
        var second = await _app.StepAsync(generationId);
        var waiting = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Queued, waiting.Status);
        Assert.True(second > first, $"Backoff should grow: {first} then {second}.");
        Assert.Equal(2, waiting.Attempts);
        // The retry's due time is stored for the card, the same moment the job is scheduled for.
        Assert.InRange(waiting.NextAttemptAt!.Value, before + second!.Value, DateTimeOffset.UtcNow + second.Value);

        await _app.DriveAsync(generationId);

        Assert.Equal(3, HeyGenSim.State.CreateCallsFor(key));
        Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
        var done = await _app.GenerationAsync(generationId);
        Assert.Equal((GenerationStatus.Completed, null), (done.Status, done.NextAttemptAt));
    }

    [Fact]
    public async Task A_card_whose_render_HeyGen_did_not_answer_says_when_it_is_tried_again()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("error500x2"));
        var contentId = await tenant.CreateContentAsync();
        var generationId = await tenant.QueueGenerationAsync(contentId, VideoSlot.Long);

        var delay = await _app.StepAsync(generationId);

        var card = (await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;
        var progress = card.QuerySelector("#video-card-long-progress")!;
        Assert.Contains("HeyGen is not answering (attempt 1); trying again in", progress.TextContent);
        var due = progress.QuerySelector("time[data-countdown]")!;
        Assert.Equal((await _app.GenerationAsync(generationId)).NextAttemptAt!.Value, DateTimeOffset.Parse(due.GetAttribute("datetime")!));
        Assert.InRange(int.Parse(due.GetAttribute("data-countdown")!), 1, (int)Math.Ceiling(delay!.Value.TotalSeconds));
        Assert.Matches(@"^in \d+ s$", due.TextContent);

        Assert.NotNull(await _app.StepAsync(generationId));
        Assert.NotNull(await _app.StepAsync(generationId));
        var sent = (await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;
        Assert.Null(sent.QuerySelector("time[data-countdown]"));
        Assert.DoesNotContain("not answering", sent.TextContent);
    }

    [Fact]
    public async Task Server_errors_that_do_not_stop_give_up_after_five_attempts_not_a_retry_storm()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("error500x99");
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        await _app.DriveAsync(generationId);

        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Failed, failed.Status);
        Assert.StartsWith("HeyGen could not be reached after 5 attempts.", failed.ErrorMessage);
        Assert.Equal(5, HeyGenSim.State.CreateCallsFor(key));
    }

    [Fact]
    public async Task A_429_waits_as_long_as_Retry_After_says_then_succeeds()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("throttle7"));
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        var next = await _app.StepAsync(generationId);

        Assert.Equal(TimeSpan.FromSeconds(7), next);
        Assert.Equal(GenerationStatus.Queued, (await _app.GenerationAsync(generationId)).Status);
        await _app.DriveAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_rejected_key_fails_once_with_a_plain_reason_and_no_retry()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("reject");
        await tenant.ConfigureHeyGenAsync(key);
        var contentId = await tenant.CreateContentAsync();
        var generationId = await tenant.QueueGenerationAsync(contentId, VideoSlot.Long);

        Assert.Null(await _app.StepAsync(generationId));
        Assert.Null(await _app.StepAsync(generationId));

        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Failed, failed.Status);
        Assert.Equal("key_rejected", failed.ErrorCode);
        Assert.StartsWith("HeyGen rejected the API key", failed.ErrorMessage);
        Assert.Equal(1, HeyGenSim.State.CreateCallsFor(key));
        Assert.Equal(["failed"], await OutcomesAsync(generationId));

        var card = await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync();
        Assert.Equal("failed", card.QuerySelector("#video-card-long")!.GetAttribute("data-state"));
        Assert.Contains("HeyGen rejected the API key", card.Body!.TextContent);
        Assert.NotNull(card.QuerySelector("#video-card-long-retry"));
    }

    [Fact]
    public async Task An_unknown_avatar_fails_naming_the_avatar()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey();
        await tenant.ConfigureHeyGenAsync(key, avatarId: "Nobody_20990101");
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Short);

        Assert.Null(await _app.StepAsync(generationId));

        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Failed, failed.Status);
        Assert.Equal("unknown_avatar", failed.ErrorCode);
        Assert.Contains("\"Nobody_20990101\"", failed.ErrorMessage);
        Assert.Equal(1, HeyGenSim.State.CreateCallsFor(key));
    }

    [Fact]
    public async Task An_unknown_voice_fails_naming_the_voice()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey(), voiceId: "no-such-voice");
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        Assert.Null(await _app.StepAsync(generationId));

        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal("unknown_voice", failed.ErrorCode);
        Assert.Contains("\"no-such-voice\"", failed.ErrorMessage);
    }

    [Fact]
    public async Task The_sweeper_restarts_an_overdue_generation_whose_chain_was_lost()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("neverfinish"));
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long, DateTimeOffset.UtcNow.AddMinutes(-30));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GenerationSweeper>().RunAsync(CancellationToken.None);
        }

        var enqueued = _app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10_000);
        Assert.Contains(enqueued, j => Equals(j.Value.Job.Args[0], generationId));
        Assert.Null(await _app.StepAsync(generationId));
        Assert.Equal(GenerationStatus.TimedOut, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_failed_render_records_HeyGens_reason()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("renderfail"));
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        await _app.DriveAsync(generationId);

        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Failed, failed.Status);
        Assert.Equal("render_failed", failed.ErrorCode);
        Assert.Equal(GenerateVideoJob.RenderFailedMessage, failed.ErrorMessage);
        Assert.Equal(SimulatedHeyGen.RenderFailureMessage + " (rendering_failed)", failed.ErrorDetail);
        Assert.Null(failed.AssetId);
    }

    [Theory]
    [InlineData("renderfail", "AI video generation failed: HeyGen could not finish the render.", "Check the script", SimulatedHeyGen.RenderFailureMessage)]
    [InlineData("nowallet", "AI video generation failed: HeyGen's wallet or plan does not cover it.", "top it up at HeyGen, then retry",
        "Your account has 5 credits but this video requires 10 credits.")]
    [InlineData("reject", "AI video generation failed: HeyGen refused the API key.", "Check the key in Settings",
        "Invalid or expired API key. Verify your x-api-key header.")]
    public async Task A_failed_card_says_what_happened_and_what_to_do_in_our_words_with_HeyGens_own_as_a_detail(
        string mode, string headline, string whatToDo, string heygenSaid)
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey(mode);
        await tenant.ConfigureHeyGenAsync(key);
        var contentId = await tenant.CreateContentAsync();
        await _app.DriveAsync(await tenant.QueueGenerationAsync(contentId, VideoSlot.Long));

        var card = (await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync()).QuerySelector("#video-card-long")!;

        Assert.Equal("failed", card.GetAttribute("data-state"));
        Assert.Equal(headline, card.QuerySelector(".notice-error strong")!.TextContent.Trim());
        Assert.Contains(whatToDo, card.QuerySelector(".notice-error p")!.TextContent);
        Assert.Contains(heygenSaid, card.QuerySelector("#video-card-long-failure-detail")!.TextContent);
        Assert.DoesNotContain(heygenSaid, card.QuerySelector(".notice-error p")!.TextContent);
        Assert.DoesNotContain(key, card.OuterHtml);
    }

    [Fact]
    public async Task A_render_that_never_finishes_times_out_after_the_configured_time()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("neverfinish"));
        var contentId = await tenant.CreateContentAsync();
        var generationId = await tenant.QueueGenerationAsync(contentId, VideoSlot.Long);
        Assert.NotNull(await _app.StepAsync(generationId));
        Assert.NotNull(await _app.StepAsync(generationId));
        Assert.Equal(GenerationStatus.Processing, (await _app.GenerationAsync(generationId)).Status);

        // As if the render had been sent 21 minutes ago (the default timeout is 20).
        await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.Id == generationId)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-22)).SetProperty(g => g.SubmittedAt, DateTimeOffset.UtcNow.AddMinutes(-21))));
        Assert.Null(await _app.StepAsync(generationId));

        var timedOut = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.TimedOut, timedOut.Status);
        Assert.Contains("did not finish the video within 20 minutes", timedOut.ErrorMessage);
        Assert.Equal(["failed"], await OutcomesAsync(generationId));
        Assert.Equal("timed_out", timedOut.ErrorCode);
        var card = await (await tenant.Client.GetAsync($"/content/{contentId}?handler=Card&slot=long")).FragmentAsync();
        Assert.Contains("AI video generation timed out.", card.Body!.TextContent);
    }

    [Theory]
    [InlineData(1, "within 1 minute.")]
    [InlineData(20, "within 20 minutes.")]
    public void The_timeout_is_said_in_minutes_singular_or_plural(int minutes, string words) =>
        Assert.Contains(words, GenerateVideoJob.TimedOutMessage(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public async Task The_job_run_twice_submits_once()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("neverfinish");
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        await Task.WhenAll(_app.StepAsync(generationId), _app.StepAsync(generationId));
        await _app.StepAsync(generationId);

        Assert.Equal(1, HeyGenSim.State.CreateCallsFor(key));
        Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
        Assert.Equal(GenerationStatus.Processing, (await _app.GenerationAsync(generationId)).Status);
    }

    [Fact]
    public async Task A_worker_killed_between_send_and_answer_is_resent_with_the_same_key_and_one_video_is_made()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("slowcreate");
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        // A worker killed after HeyGen accepted the render, before the answer (the video id) came back.
        using var dies = new CancellationTokenSource();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var run = scope.ServiceProvider.GetRequiredService<GenerateVideoJob>().StepAsync(generationId, dies.Token);
            await UntilAsync(() => HeyGenSim.State.SubmissionsFor(generationId.ToString()).Count > 0);
            await dies.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }
        var video = Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
        Assert.Null((await _app.GenerationAsync(generationId)).ProviderVideoId);

        // The next run sends again with the same key while HeyGen still works on the first: 409, wait, no attempt spent.
        Assert.NotNull(await _app.StepAsync(generationId));
        var waiting = await _app.GenerationAsync(generationId);
        Assert.Equal((GenerationStatus.Queued, 0, null), (waiting.Status, waiting.Attempts, waiting.ProviderVideoId));

        await UntilAsync(async () => await _app.StepAsync(generationId) is not null && (await _app.GenerationAsync(generationId)).ProviderVideoId is not null);
        Assert.Equal(video.VideoId, (await _app.GenerationAsync(generationId)).ProviderVideoId);
        await _app.DriveAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, (await _app.GenerationAsync(generationId)).Status);
        Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
    }

    [Fact]
    public async Task A_create_that_times_out_is_retried_with_the_same_key_and_one_video_is_made()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("slowcreate");
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Short);
        var impatient = new HeyGenOptions { BaseUrl = HeyGenSim.Host.BaseUrl, WriteTimeout = TimeSpan.FromMilliseconds(300) };

        var next = await StepWithAsync(impatient, generationId);

        Assert.NotNull(next);
        var timedOut = await _app.GenerationAsync(generationId);
        Assert.Equal((GenerationStatus.Queued, 1, null), (timedOut.Status, timedOut.Attempts, timedOut.ProviderVideoId));
        var video = Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));

        await UntilAsync(async () => (await _app.StepAsync(generationId)) is not null && (await _app.GenerationAsync(generationId)).ProviderVideoId is not null);
        await _app.DriveAsync(generationId);

        var done = await _app.GenerationAsync(generationId);
        Assert.Equal((GenerationStatus.Completed, video.VideoId), (done.Status, done.ProviderVideoId));
        Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
        Assert.True(HeyGenSim.State.CreateCallsFor(key) >= 2);
    }

    [Fact]
    public async Task An_empty_wallet_fails_once_saying_to_top_it_up()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("nowallet");
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        Assert.Null(await _app.StepAsync(generationId));

        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal(("wallet_empty", "The HeyGen wallet is empty: top it up at HeyGen, then retry."), (failed.ErrorCode, failed.ErrorMessage));
        Assert.Equal("Your account has 5 credits but this video requires 10 credits.", failed.ErrorDetail);
        Assert.Equal(1, HeyGenSim.State.CreateCallsFor(key));
    }

    [Fact]
    public async Task A_gateways_html_502_is_transient_and_the_next_try_submits()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("gateway502x1");
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        Assert.NotNull(await _app.StepAsync(generationId));
        Assert.Equal((GenerationStatus.Queued, 1), ((await _app.GenerationAsync(generationId)).Status, (await _app.GenerationAsync(generationId)).Attempts));

        await _app.DriveAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, (await _app.GenerationAsync(generationId)).Status);
        Assert.Single(HeyGenSim.State.SubmissionsFor(generationId.ToString()));
    }

    [Fact]
    public async Task HeyGens_concurrency_limit_answers_429_which_waits_without_spending_an_attempt()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey("neverfinish-concurrency1");
        await tenant.ConfigureHeyGenAsync(key);
        var first = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        var second = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        Assert.NotNull(await _app.StepAsync(first));

        Assert.Equal(TimeSpan.FromSeconds(30), await _app.StepAsync(second));

        var waiting = await _app.GenerationAsync(second);
        Assert.Equal((GenerationStatus.Queued, 0), (waiting.Status, waiting.Attempts));
        Assert.Empty(HeyGenSim.State.SubmissionsFor(second.ToString()));
    }

    [Fact]
    public async Task A_finished_render_brings_its_poster_captions_and_duration_which_only_members_can_fetch()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey());
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(shortScript: "Three new pieces, sixty seconds."), VideoSlot.Short);

        await _app.DriveAsync(generationId);

        var assetId = (await _app.GenerationAsync(generationId)).AssetId;
        var asset = await _app.WithDbAsync(db => db.VideoAssets.AsNoTracking().SingleAsync(a => a.Id == assetId));
        Assert.Equal(SimulatedHeyGen.VideoDuration, asset.DurationSeconds);
        Assert.Equal($"{asset.Id:N}.poster.jpg", asset.PosterKey);
        Assert.Equal($"{asset.Id:N}.captions.vtt", asset.CaptionsKey);

        var poster = await tenant.Client.GetAsync($"/media/{asset.PosterKey}");
        Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (poster.StatusCode, poster.Content.Headers.ContentType?.MediaType));
        var captions = await tenant.Client.GetAsync($"/media/{asset.CaptionsKey}");
        Assert.Equal((HttpStatusCode.OK, "text/vtt"), (captions.StatusCode, captions.Content.Headers.ContentType?.MediaType));
        var vtt = await captions.Content.ReadAsStringAsync();
        Assert.StartsWith("WEBVTT", vtt);
        Assert.Contains("00:00:00.000 --> 00:00:02.000", vtt);
        Assert.Contains("Three new pieces,", vtt);
        var stranger = await _app.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/media/{asset.CaptionsKey}")).StatusCode);
    }

    [Fact]
    public async Task Captions_that_HeyGen_finishes_after_the_video_are_fetched_by_the_follow_up_job()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("captionslate"));
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Short);
        await _app.DriveAsync(generationId);
        var assetId = (await _app.GenerationAsync(generationId)).AssetId;
        Assert.Null(await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.Id == assetId).Select(a => a.CaptionsKey).SingleAsync()));
        var scheduled = _app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 10_000);
        Assert.Contains(scheduled, j => j.Value.Job.Method.Name == nameof(GenerateVideoJob.FetchCompanionsAsync) && Equals(j.Value.Job.Args[0], generationId));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GenerateVideoJob>().FetchCompanionsAsync(generationId, CancellationToken.None);
        }

        Assert.NotNull(await _app.WithDbAsync(db => db.VideoAssets.Where(a => a.Id == assetId).Select(a => a.CaptionsKey).SingleAsync()));
    }

    [Fact]
    public async Task Beyond_the_business_render_limit_a_generation_waits_here_and_goes_when_a_render_finishes()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey();
        await tenant.ConfigureHeyGenAsync(key);
        await _app.WithDbAsync(db => db.AiAvatarIntegrations.Where(i => i.BusinessId == tenant.BusinessId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.MaxConcurrentRenders, 1)));
        var first = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        var second = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        Assert.NotNull(await _app.StepAsync(first));

        Assert.NotNull(await _app.StepAsync(second));

        var waiting = await _app.GenerationAsync(second);
        Assert.Equal((GenerationStatus.Queued, true, null), (waiting.Status, waiting.WaitsForRenderSlot, waiting.SubmittedAt));
        Assert.Empty(HeyGenSim.State.SubmissionsFor(second.ToString()));
        Assert.Equal(1, HeyGenSim.State.CreateCallsFor(key));

        await _app.DriveAsync(first);
        Assert.NotNull(await _app.StepAsync(second));

        var sent = await _app.GenerationAsync(second);
        Assert.Equal((GenerationStatus.Submitted, false), (sent.Status, sent.WaitsForRenderSlot));
        Assert.Single(HeyGenSim.State.SubmissionsFor(second.ToString()));
    }

    [Fact]
    public async Task The_reconciler_asks_for_statuses_in_one_call_and_steps_the_renders_HeyGen_has_settled()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("neverfinish"));
        var running = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);
        var lost = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Short);
        Assert.NotNull(await _app.StepAsync(running));
        Assert.NotNull(await _app.StepAsync(lost));
        await _app.WithDbAsync(db => db.VideoGenerations.Where(g => g.Id == lost)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.ProviderVideoId, "00000000000000000000000000000000")));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<HeyGenReconciler>().RunAsync(CancellationToken.None);
        }

        var enqueued = _app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10_000).Select(j => j.Value.Job).ToList();
        Assert.Contains(enqueued, j => j.Type == typeof(GenerateVideoJob) && Equals(j.Args[0], lost));
        Assert.DoesNotContain(enqueued, j => j.Type == typeof(GenerateVideoJob) && Equals(j.Args[0], running));
        Assert.Null(await _app.StepAsync(lost));
        Assert.Equal(("not_found", GenerationStatus.Failed), ((await _app.GenerationAsync(lost)).ErrorCode, (await _app.GenerationAsync(lost)).Status));
    }

    [Fact]
    public async Task An_expired_download_link_is_renewed_by_asking_HeyGen_again()
    {
        var tenant = await _app.CreateTenantAsync();
        await tenant.ConfigureHeyGenAsync(HeyGenSim.NewKey("expiredlink"));
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(), VideoSlot.Long);

        await _app.DriveAsync(generationId);

        var done = await _app.GenerationAsync(generationId);
        Assert.Equal(GenerationStatus.Completed, done.Status);
        Assert.Equal(0, done.Attempts);
    }

    [Fact]
    public async Task A_script_over_HeyGens_limit_is_refused_before_anything_is_sent()
    {
        var tenant = await _app.CreateTenantAsync();
        var key = HeyGenSim.NewKey();
        await tenant.ConfigureHeyGenAsync(key);
        var generationId = await tenant.QueueGenerationAsync(await tenant.CreateContentAsync(script: new string('a', 5001)), VideoSlot.Long);

        Assert.Null(await _app.StepAsync(generationId));

        var failed = await _app.GenerationAsync(generationId);
        Assert.Equal("script_too_long", failed.ErrorCode);
        Assert.Contains("5,001 characters", failed.ErrorMessage);
        Assert.Equal(0, HeyGenSim.State.CreateCallsFor(key));
    }

    [Fact]
    public async Task HeyGen_out_of_reach_is_a_transient_error()
    {
        var client = new HeyGenClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") }, Options.Create(new HeyGenOptions()));

        var error = await Assert.ThrowsAsync<HeyGenException>(() => client.GetUserAsync("any-key", CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.StartsWith("HeyGen could not be reached", error.Message);
    }

    /// <summary>One step of the job with a client configured otherwise, everything else as the app has it.</summary>
    private async Task<TimeSpan?> StepWithAsync(HeyGenOptions heygen, Guid generationId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var http = new HttpClient { BaseAddress = new Uri(heygen.BaseUrl.TrimEnd('/') + "/") };
        var job = new GenerateVideoJob(
            services.GetRequiredService<StudioDb>(), new HeyGenClient(http, Options.Create(heygen)), services.GetRequiredService<HeyGenSecrets>(),
            services.GetRequiredService<VideoStudio.Core.Media.MediaStore>(), services.GetRequiredService<VideoStudio.Core.Media.VideoProbe>(),
            services.GetRequiredService<IBackgroundJobClient>(),
            services.GetRequiredService<IOptions<HeyGenOptions>>(), TimeProvider.System,
            services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GenerateVideoJob>>());
        return await job.StepAsync(generationId, CancellationToken.None);
    }

    /// <summary>Polls a condition the simulator makes true by itself within seconds (a slow create finishing).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("The simulator never got there.");
    }

    private static Task UntilAsync(Func<bool> condition) => UntilAsync(() => Task.FromResult(condition()));

    private Task<List<string>> OutcomesAsync(Guid generationId) =>
        _app.WithDbAsync(db => db.VideoEvents.AsNoTracking()
            .Where(e => e.GenerationId == generationId && e.Outcome != VideoEventLog.Started)
            .OrderBy(e => e.Id).Select(e => e.Outcome).ToListAsync());
}
