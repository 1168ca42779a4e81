using VideoStudio.Core.Generation;
using System.Text.RegularExpressions;
using VideoStudio.BrowserTests.Infrastructure;
using VideoStudio.Core;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Web.Pages.Content;
using static Microsoft.Playwright.Assertions;

namespace VideoStudio.BrowserTests.Pages.Content;

/// <summary>AI generation end to end: the card, the settings page, Hangfire, the simulated HeyGen and the live stream.</summary>
public class GenerateTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public async Task An_admin_without_HeyGen_configures_it_from_the_card_comes_back_generates_and_the_video_plays_without_a_reload()
    {
        var admin = await App.CreateEditorAsync(MemberRole.Admin);
        var id = await admin.CreateContentAsync("Generate me");
        var page = await SignInAsync(admin);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" })).ToBeDisabledAsync();

        await card.GetByRole(AriaRole.Link, new() { Name = "Configure HeyGen integration" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Integrations" })).ToBeVisibleAsync();
        await page.GetByLabel("API key").FillAsync(SimulatedHeyGenAccount.NewKey());
        await page.GetByLabel("Avatar ID").FillAsync(SimulatedHeyGenAccount.Avatar);
        await page.GetByLabel("Voice ID").FillAsync(SimulatedHeyGenAccount.Voice);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "HeyGen settings saved." })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the content" }).ClickAsync();

        await Expect(card).ToHaveAttributeAsync("data-state", "empty");
        await page.EvaluateAsync("() => window.sameDocument = true");
        await card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();
        await Expect(card).ToContainTextAsync("AI video generation in progress");

        await App.FinishRenderAsync(id, VideoSlot.Long);

        await Expect(card).ToHaveAttributeAsync("data-state", "video", new() { Timeout = 30_000 });
        await Expect(Announcer(page)).ToHaveTextAsync("AI video for Long Social Video is ready");
        await Player.AssertPlaysAsync(card.Locator("video"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "The page was reloaded.");
    }

    [Fact]
    public async Task A_failed_render_shows_its_reason_and_Retry_succeeds()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync(SimulatedHeyGenAccount.NewKey("renderfail"));
        var id = await editor.CreateContentAsync("Fails first");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Short Social Video");

        await card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
        await Expect(card).ToHaveAttributeAsync("data-state", "generating");
        await App.FinishRenderAsync(id, VideoSlot.Short);

        await Expect(card).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 30_000 });
        await Expect(card).ToContainTextAsync(SimulatedHeyGen.RenderFailureMessage);
        await Expect(Announcer(page)).ToContainTextAsync("AI video for Short Social Video failed");
        await Accessibility.AssertNoViolationsAsync(page, "the content page after a failed render");

        await editor.ReplaceHeyGenKeyAsync(SimulatedHeyGenAccount.NewKey());
        await card.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();
        await App.FinishRenderAsync(id, VideoSlot.Short);

        await Expect(card).ToHaveAttributeAsync("data-state", "video", new() { Timeout = 30_000 });
        await Expect(card).Not.ToContainTextAsync(SimulatedHeyGen.RenderFailureMessage);
        await Player.AssertPlaysAsync(card.Locator("video"));
    }

    [Fact]
    public async Task Without_avatar_and_voice_ids_Generate_is_disabled_and_describes_what_to_configure()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync(withAvatarAndVoice: false);
        var id = await editor.CreateContentAsync("Key but no avatar");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");

        var generate = card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" });
        await Expect(generate).ToBeDisabledAsync();
        await Expect(generate).ToHaveAccessibleDescriptionAsync(new Regex(Regex.Escape(GenerationPolicy.MissingIdsMessage)));
        await Expect(card.GetByRole(AriaRole.Link, new() { Name = "Configure HeyGen integration" })).ToHaveAttributeAsync("href", new Regex("^/settings/integrations"));
    }

    [Fact]
    public async Task With_the_keyboard_alone_an_editor_starts_a_generation()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Keyboard generate");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");
        var card = Card(page, "Long Social Video");

        await Keyboard.TabToAsync(page, card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }));
        await page.Keyboard.PressAsync("Enter");

        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();
        await App.FinishRenderAsync(id, VideoSlot.Long);
        await Expect(card).ToHaveAttributeAsync("data-state", "video", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task Both_slots_show_an_estimate_then_finish_live_with_posters_captions_and_their_length()
    {
        var editor = await App.CreateEditorAsync();
        await editor.ConfigureHeyGenAsync();
        var id = await editor.CreateContentAsync("Spring collection", script: "Welcome to the spring collection. Here is what is new this season.",
            shortScript: "Spring is here. Three new pieces, sixty seconds.");
        var page = await SignInAsync(editor);
        await page.GotoAsync($"/content/{id}");

        foreach (var (title, slot) in new[] { ("Long Social Video", VideoSlot.Long), ("Short Social Video", VideoSlot.Short) })
        {
            var card = Card(page, title);
            await Expect(card.Locator(".estimate")).ToContainTextAsync("about 5 s · about $0.");
            await card.GetByRole(AriaRole.Button, new() { Name = "Generate AI Video" }).ClickAsync();
            await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Creating AI Video" })).ToBeDisabledAsync();
            await App.FinishRenderAsync(id, slot);
            await Expect(card).ToHaveAttributeAsync("data-state", "video", new() { Timeout = 30_000 });
            await Expect(card.Locator("video")).ToHaveAttributeAsync("poster", new Regex(@"^/media/[0-9a-f]{32}\.poster\.jpg$"), new() { Timeout = 30_000 });
            await Expect(card.Locator("video track[kind=captions]")).ToHaveAttributeAsync("src", new Regex(@"\.captions\.vtt$"));
            await Expect(card.Locator(".duration")).ToHaveTextAsync("0:04");
        }

        var width = await page.EvaluateAsync<int>("() => document.querySelector('#video-card-short video').videoWidth || 0");
        Assert.True(width is 0 or 360, $"The short slot plays the portrait file (360 px wide), not {width} px.");
        foreach (var viewport in new[] { 375, 1280 })
        {
            await page.SetViewportSizeAsync(viewport, 900);
            await Artifacts.ScreenshotAsync(page, $"content-ai-videos-{viewport}");
        }
    }

    /// <summary>The page's polite live region, where card changes are said in words.</summary>
    private static ILocator Announcer(IPage page) => page.GetByRole(AriaRole.Status);
}
