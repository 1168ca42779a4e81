using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.BrowserTests.Infrastructure;

/// <summary>
/// An editor of their own business. The arrange steps write rows the way the app's features would, because each card
/// renders only from the database; the acts and asserts go through the browser.
/// </summary>
public sealed record Editor(BrowserApp App, Guid BusinessId, string Email, string Password)
{
    public async Task<Guid> CreateContentAsync(string title, string? script = "Hello from the main script.", string? shortScript = "Hello from the short script.")
    {
        var id = Guid.NewGuid();
        await App.WithDbAsync(async db =>
        {
            db.Content.Add(new Content
            {
                Id = id,
                BusinessId = BusinessId,
                Title = title,
                VideoScript = script,
                ShortVideoScript = shortScript,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>An active HeyGen integration with key, avatar id and voice id, the key encrypted as the settings page stores it.</summary>
    public Task ConfigureHeyGenAsync(string? apiKey = null, bool withAvatarAndVoice = true) => App.WithDbAsync(async db =>
    {
        db.AiAvatarIntegrations.Add(new AiAvatarIntegration
        {
            Id = Guid.NewGuid(),
            BusinessId = BusinessId,
            Status = IntegrationStatus.Active,
            Secret = App.Services.GetRequiredService<HeyGenSecrets>().Protect(apiKey ?? BrowserApp.NewHeyGenKey()),
            AvatarId = withAvatarAndVoice ? BrowserApp.SimulatedAvatarId : null,
            VoiceId = withAvatarAndVoice ? BrowserApp.SimulatedVoiceId : null,
            UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    });

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

    public Task<Guid> FailGenerationAsync(Guid contentId, VideoSlot slot, string reason) =>
        AddGenerationAsync(contentId, slot, GenerationStatus.Failed, reason);

    /// <summary>Makes a real MP4 the slot's video through the app's own media store.</summary>
    public async Task<string> AttachVideoAsync(Guid contentId, VideoSlot slot)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<MediaStore>();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        await using var file = File.OpenRead(Fixtures.SampleMp4);
        var staged = await store.StageAsync(file, long.MaxValue, CancellationToken.None);
        var asset = await SlotVideos.AttachAsync(db, store, contentId, slot, staged, VideoSource.Upload, "sample.mp4", null, CancellationToken.None);
        return SlotVideos.UrlOf(asset.StorageKey);
    }

    public async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/content");
    }

    private async Task<Guid> AddGenerationAsync(Guid contentId, VideoSlot slot, GenerationStatus status, string? reason)
    {
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await App.WithDbAsync(async db =>
        {
            db.VideoGenerations.Add(new VideoGeneration
            {
                Id = id,
                ContentId = contentId,
                Slot = slot,
                Status = status,
                ErrorCode = reason is null ? null : "render_failed",
                ErrorMessage = reason,
                Attempts = 1,
                CreatedAt = now,
                SubmittedAt = now,
                FinishedAt = status.IsActive() ? null : now,
                UpdatedAt = now,
            });
            await db.SaveChangesAsync();
        });
        return id;
    }

    public Task<string?> VideoUrlAsync(Guid contentId, VideoSlot slot) =>
        App.WithDbAsync(db => db.Content.Where(c => c.Id == contentId)
            .Select(c => slot == VideoSlot.Long ? c.VideoLongUrl : c.VideoShortUrl).SingleAsync());
}
