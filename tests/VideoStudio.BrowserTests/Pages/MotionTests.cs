using System.Text.RegularExpressions;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages;

/// <summary>
/// The spec's micro-interactions (the pulsing placeholder, the spinners, buttons easing between states) for people who have
/// not asked for less motion, and none at all for those who have; a button at work shows it.
/// </summary>
public class MotionTests(BrowserApp app) : BrowserTest(app)
{
    // Every element and pseudo-element that animates or has a transition, described for the failure message.
    private const string MovingParts = """
        () => [...document.querySelectorAll("*")].flatMap(el => [null, "::before", "::after"].map(pseudo => ({ el, pseudo, style: getComputedStyle(el, pseudo) })))
            .filter(({ style }) => style.animationName !== "none" || style.transitionDuration.split(",").some(d => parseFloat(d) > 0))
            .map(({ el, pseudo, style }) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${pseudo ?? ""} in ${el.closest("button")?.textContent.trim() ?? el.closest("[id]")?.id}: animation ${style.animationName}, transition ${style.transitionDuration}`)
        """;

    [Fact]
    public async Task With_reduced_motion_asked_for_nothing_pulses_spins_or_eases_and_without_it_the_card_does()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Motion");
        await editor.StartGenerationAsync(id, VideoSlot.Long);
        var page = await SignInAsync(editor);
        var release = await HoldGenerateRequestsAsync(page);
        await page.GotoAsync($"/content/{id}");
        var generate = Card(page, "Short Social Video").GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" });
        await generate.ClickAsync();
        await Expect(generate).ToBeDisabledAsync();

        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.NoPreference });
        var moving = await page.EvaluateAsync<string[]>(MovingParts);
        Assert.Contains(moving, m => m.StartsWith("div") && m.Contains("animation pulse"));
        Assert.Contains(moving, m => m.StartsWith("svg in Creating AI Video") && m.Contains("animation spin"));
        Assert.Contains(moving, m => m.StartsWith("button#video-card-short-generate::before") && m.Contains("animation spin"));
        Assert.Contains(moving, m => m.StartsWith("button") && !m.Contains("transition 0s"));

        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });
        moving = await page.EvaluateAsync<string[]>(MovingParts);
        Assert.True(moving.Length == 0, "With reduced motion asked for, these still move:\n" + string.Join("\n", moving));

        release.SetResult();
        await Expect(Card(page, "Short Social Video")).ToHaveAttributeAsync("data-state", "generating");
    }

    [Fact]
    public async Task A_button_at_work_is_disabled_and_shows_a_spinner_in_place_of_its_icon_until_the_answer_comes()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Loading button");
        var page = await SignInAsync(editor);
        var release = await HoldGenerateRequestsAsync(page);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        var generate = card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" });

        await generate.ClickAsync();

        await Expect(generate).ToBeDisabledAsync();
        await Expect(generate.Locator("svg")).ToBeHiddenAsync();
        await ScreenshotOnPhoneAndLaptopAsync(page, "button-loading");

        release.SetResult();
        await Expect(card).ToHaveAttributeAsync("data-state", "generating");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();
    }

    /// <summary>Generate requests wait for the returned signal, so a test sees the button while its request runs.</summary>
    private static async Task<TaskCompletionSource> HoldGenerateRequestsAsync(IPage page)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(new Regex("handler=Generate"), async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        return release;
    }
}
