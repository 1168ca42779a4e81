using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>
/// An editor of their own business. The arrange steps write rows the way the app's features would, because each card
/// renders only from the database; the acts and asserts go through the browser.
/// </summary>
public sealed record Editor(BrowserApp App, Guid BusinessId, string Email, string Password)
{
    public Task<Guid> CreateContentAsync(string title, string? script = StudioSeed.Script, string? shortScript = StudioSeed.ShortScript) =>
        App.Seed.ContentAsync(BusinessId, title, script, shortScript);

    /// <summary>An active HeyGen integration with key, avatar id and voice id, the key encrypted as the settings page stores it.</summary>
    public Task ConfigureHeyGenAsync(string? apiKey = null, bool withAvatarAndVoice = true) =>
        App.Seed.HeyGenIntegrationAsync(BusinessId, apiKey ?? SimulatedHeyGenAccount.NewKey(),
            withAvatarAndVoice ? SimulatedHeyGenAccount.Avatar : null, withAvatarAndVoice ? SimulatedHeyGenAccount.Voice : null);

    /// <summary>Replaces the saved key, as an admin does on the settings page.</summary>
    public Task ReplaceHeyGenKeyAsync(string apiKey) => App.WithDbAsync(async db =>
    {
        var integration = await db.AiAvatarIntegrations.SingleAsync(i => i.BusinessId == BusinessId);
        var secret = App.Services.GetRequiredService<HeyGenSecrets>().Protect(apiKey);
        db.IntegrationSecrets.Add(secret);
        integration.SecretId = secret.Id;
        integration.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
    });

    public Task<Guid> StartGenerationAsync(Guid contentId, VideoSlot slot) =>
        AddGenerationAsync(contentId, slot, GenerationStatus.Processing, null);

    public Task<Guid> FailGenerationAsync(Guid contentId, VideoSlot slot, string reason, string? heygenSaid = null) =>
        AddGenerationAsync(contentId, slot, GenerationStatus.Failed, reason, heygenSaid);

    /// <summary>A render HeyGen did not answer, to be sent again after <paramref name="wait"/>.</summary>
    public Task<Guid> RetryGenerationAsync(Guid contentId, VideoSlot slot, TimeSpan wait) =>
        App.Seed.GenerationAsync(contentId, slot, GenerationStatus.Queued, g =>
        {
            g.Attempts = 1;
            g.NextAttemptAt = DateTimeOffset.UtcNow + wait;
        });

    /// <summary>Makes a real MP4 the slot's video through the app's own media store.</summary>
    public async Task<string> AttachVideoAsync(Guid contentId, VideoSlot slot) =>
        SlotVideos.UrlOf((await App.Seed.VideoAsync(contentId, slot, Fixtures.SampleMp4)).StorageKey);

    public async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/account/login");
        var answer = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.Contains("/account/login"));
        await SubmitSignInFormAsync(page, Email, Password);
        try
        {
            await page.WaitForURLAsync("**/content");
        }
        catch (TimeoutException e)
        {
            // A sign-in that times out under load has been seen without a trace of why; say where the browser got to.
            var status = answer.IsCompletedSuccessfully ? answer.Result.Status.ToString() : "no answer yet";
            var says = await page.Locator("[role=alert]").AllInnerTextsAsync();
            throw new TimeoutException(
                $"Signing in as {Email} did not reach /content: the POST answered {status}, the page is at {page.Url} and says \"{string.Join(" | ", says)}\".", e);
        }
    }

    /// <summary>Fills in the sign-in form on the page and presses Sign in, as a person does.</summary>
    public static async Task SubmitSignInFormAsync(IPage page, string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private Task<Guid> AddGenerationAsync(Guid contentId, VideoSlot slot, GenerationStatus status, string? reason, string? heygenSaid = null) =>
        App.Seed.GenerationAsync(contentId, slot, status, g =>
        {
            g.ErrorCode = reason is null ? null : "render_failed";
            g.ErrorMessage = reason;
            g.ErrorDetail = heygenSaid;
            g.Attempts = 1;
            g.SubmittedAt = g.CreatedAt;
            g.FinishedAt = status.IsActive() ? null : g.CreatedAt;
        });

    public Task<string?> VideoUrlAsync(Guid contentId, VideoSlot slot) =>
        App.WithDbAsync(db => db.Content.Where(c => c.Id == contentId)
            .Select(c => slot == VideoSlot.Long ? c.VideoLongUrl : c.VideoShortUrl).SingleAsync());
}
