using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

/// <summary>The card's state lives in the database: a reload shows it, and every open tab follows it live.</summary>
public class LiveUpdatesTests(BrowserApp app, ITestOutputHelper output) : BrowserTest(app)
{
    private const int RaceRuns = 30;

    [Fact]
    public async Task Two_changes_a_few_milliseconds_apart_end_on_the_final_card_on_every_open_page_every_time()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Fast fail");
        var first = await SignInAsync(editor);
        var second = await first.Context.NewPageAsync();
        await first.GotoAsync($"/content/{id}");
        await second.GotoAsync($"/content/{id}");
        await Expect(Card(second, "Short Social Video")).ToHaveAttributeAsync("data-state", "empty");

        var gaps = new List<double>();
        var seen = new List<double>();
        for (var run = 1; run <= RaceRuns; run++)
        {
            // A generation that fails right after it starts: "generating" and "failed" committed 1-10 ms apart.
            var generation = Guid.NewGuid();
            await App.WithDbAsync(db => db.Database.ExecuteSqlAsync(
                $"INSERT INTO video_generations (id, content_id, slot, status, attempts, created_at, updated_at) VALUES ({generation}, {id}, 'short', 'queued', 0, now(), now())"));
            var gap = Stopwatch.StartNew();
            Thread.Sleep(1 + run % 10);
            var failure = $"Failure number {run}.";
            await App.WithDbAsync(db => db.Database.ExecuteSqlAsync(
                $"UPDATE video_generations SET status = 'failed', error_message = {failure}, updated_at = now() WHERE id = {generation}"));
            gaps.Add(gap.Elapsed.TotalMilliseconds);

            var clock = Stopwatch.StartNew();
            foreach (var page in new[] { first, second })
            {
                var card = Card(page, "Short Social Video");
                // Well inside the card's own 15 s poll, so only the live stream can deliver it.
                await Expect(card).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 2_000 });
                await Expect(card).ToContainTextAsync(failure, new() { Timeout = 2_000 });
            }
            seen.Add(clock.Elapsed.TotalMilliseconds);
        }
        output.WriteLine($"{RaceRuns} runs, 0 failures; gap between the changes {gaps.Min():F1}-{gaps.Max():F1} ms; " +
                         $"final card on both pages after {seen.Min():F0}-{seen.Max():F0} ms (median {seen.Order().ElementAt(seen.Count / 2):F0} ms)");
    }

    [Fact]
    public async Task A_late_answer_to_the_editors_own_request_does_not_undo_a_newer_live_state()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Late answer");
        await editor.AttachVideoAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        await page.EvaluateAsync("() => document.addEventListener('htmx:afterRequest', () => window.answered = true)");

        // The answer to Delete (an empty card) is held back until a newer state has arrived by the stream.
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/content/*?handler=Delete*", async route =>
        {
            var answer = await route.FetchAsync();
            await release.Task;
            await route.FulfillAsync(new() { Response = answer });
        });
        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete video" }).ClickAsync();
        // The delete is done (the stream shows it) while its own answer is still held back; then something newer happens.
        await Expect(card).ToHaveAttributeAsync("data-state", "empty");
        await App.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"INSERT INTO video_generations (id, content_id, slot, status, attempts, error_message, created_at, updated_at) VALUES ({Guid.NewGuid()}, {id}, 'long', 'failed', 0, 'The newer state.', now(), now())"));
        await Expect(card).ToHaveAttributeAsync("data-state", "failed");

        release.SetResult();
        await page.WaitForFunctionAsync("() => window.answered === true");

        await Expect(card).ToHaveAttributeAsync("data-state", "failed");
        await Expect(card).ToContainTextAsync("The newer state.");
    }

    [Fact]
    public async Task A_live_update_that_changes_nothing_on_a_card_leaves_its_playing_video_in_place()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Keeps playing");
        await editor.AttachVideoAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var video = Card(page, "Long Social Video").Locator("video");
        await Player.AssertPlaysAsync(video);
        await video.EvaluateAsync("""
            v => {
                v.dataset.marker = "the element that was playing";
                window.liveMessages = 0;
                document.addEventListener("htmx:sseBeforeMessage", () => window.liveMessages++);
            }
            """);

        // Any change of the HeyGen settings re-sends both cards of every item of the business; here neither card changes.
        await App.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE ai_avatar_integrations SET updated_at = now() WHERE business_id = {editor.BusinessId}"));

        await page.WaitForFunctionAsync("() => window.liveMessages >= 2");
        Assert.Equal("the element that was playing", await video.EvaluateAsync<string>("v => v.dataset.marker || 'a new element'"));
    }

    [Fact]
    public async Task A_reload_during_generation_still_shows_it_and_a_second_tab_receives_the_same_updates()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Two tabs");
        var first = await SignInAsync(editor);
        var second = await first.Context.NewPageAsync();
        await first.GotoAsync($"/content/{id}");
        await second.GotoAsync($"/content/{id}");
        await Expect(Card(second, "Long Social Video")).ToHaveAttributeAsync("data-state", "empty");

        await Card(first, "Long Social Video").GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
        await Expect(Card(first, "Long Social Video")).ToHaveAttributeAsync("data-state", "generating");
        await Expect(Card(second, "Long Social Video").GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();

        await first.ReloadAsync();
        await Expect(Card(first, "Long Social Video").GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();
        await Expect(Card(first, "Long Social Video")).ToContainTextAsync("AI video generation in progress");

        await App.FinishRenderAsync(id, VideoSlot.Long);

        foreach (var page in new[] { first, second })
        {
            var card = Card(page, "Long Social Video");
            await Expect(card).ToHaveAttributeAsync("data-state", "video", new() { Timeout = 30_000 });
            await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" })).ToBeEnabledAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("AI video for Long Social Video is ready");
        }
        await Player.AssertPlaysAsync(Card(second, "Long Social Video").Locator("video"));
    }

    [Fact]
    public async Task An_upload_in_one_tab_appears_in_the_other_and_is_announced_in_both()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Upload seen twice");
        var first = await SignInAsync(editor);
        var second = await first.Context.NewPageAsync();
        await first.GotoAsync($"/content/{id}");
        await second.GotoAsync($"/content/{id}");
        await Expect(Card(second, "Short Social Video")).ToHaveAttributeAsync("data-state", "empty");

        await Card(first, "Short Social Video").GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        var dialog = first.GetByRole(AriaRole.Dialog, new() { Name = "Upload Short Social Video" });
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleWebM);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();

        foreach (var page in new[] { first, second })
        {
            await Expect(Card(page, "Short Social Video")).ToHaveAttributeAsync("data-state", "video", new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Upload finished: Short Social Video");
        }
    }

    [Fact]
    public async Task A_render_that_finishes_while_the_editor_is_on_the_content_list_updates_its_row_and_shows_a_notice_that_leads_to_the_item()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Rendered while away");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        await Card(page, "Long Social Video").GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
        await Expect(Card(page, "Long Social Video")).ToHaveAttributeAsync("data-state", "generating");
        await page.GetByRole(AriaRole.Link, new() { Name = "All content" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Content", Exact = true })).ToBeVisibleAsync();
        var row = page.Locator("#content-list tr", new() { HasText = "Rendered while away" });
        await Expect(row.GetByText("Creating AI video")).ToBeVisibleAsync();

        await App.FinishRenderAsync(id, VideoSlot.Long);

        await Expect(row.GetByText("Video ready")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(row.GetByText("Creating AI video")).ToHaveCountAsync(0);
        var notices = page.GetByRole(AriaRole.Region, new() { Name = "Notices" });
        await Expect(notices).ToContainTextAsync("AI video for Long Social Video is ready");
        await ScreenshotOnPhoneAndLaptopAsync(page, "toast");
        await notices.GetByRole(AriaRole.Link, new() { Name = "Open “Rendered while away”" }).ClickAsync();
        await Expect(Card(page, "Long Social Video")).ToHaveAttributeAsync("data-state", "video");
    }

    [Fact]
    public async Task An_upload_made_while_a_render_runs_stays_when_the_render_finishes_as_the_card_said()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Mine wins");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Short Social Video");
        await card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
        await Expect(card).ToContainTextAsync("Uploading or deleting now wins");

        await card.GetByRole(AriaRole.Button, new() { Name = "Upload Video" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Upload Short Social Video" });
        await dialog.GetByLabel("Choose a video file").SetInputFilesAsync(Fixtures.SampleWebM);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        var mine = await card.Locator("video").GetAttributeAsync("src");

        await App.FinishRenderAsync(id, VideoSlot.Short);

        await Expect(card).ToContainTextAsync("it was kept aside", new() { Timeout = 30_000 });
        await Expect(card).ToHaveAttributeAsync("data-state", "video");
        await Expect(card.Locator("video")).ToHaveAttributeAsync("src", mine!);
    }
}
