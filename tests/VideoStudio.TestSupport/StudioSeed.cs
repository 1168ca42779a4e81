using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.TestSupport;

/// <summary>
/// The arrange step of a test: rows written as the app's features write them (Identity for users, the key encrypted as the
/// settings page stores it, videos through the media store), because every page and card renders only from the database.
/// Each call makes rows no other test uses, so tests on one database can run in parallel.
/// </summary>
public sealed class StudioSeed(IServiceProvider services)
{
    public const string Password = "Test!Password1";

    public const string Script = "Hello from the main script.";

    public const string ShortScript = "Hello from the short script.";

    public async Task<T> WithDbAsync<T>(Func<StudioDb, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<StudioDb>());
    }

    public Task WithDbAsync(Func<StudioDb, Task> work) => WithDbAsync<bool>(async db => { await work(db); return true; });

    /// <summary>A business with one member of the given role; the member has not signed in anywhere yet.</summary>
    public async Task<Member> MemberAsync(MemberRole role = MemberRole.Editor, bool siteAdmin = false)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"{role.ToString().ToLowerInvariant()}-{tag}@test.example";
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var user = new StudioUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Test " + tag, IsSiteAdmin = siteAdmin };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));

        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        var business = new Business { Id = Guid.NewGuid(), Name = "Business " + tag };
        db.Businesses.Add(business);
        db.BusinessMembers.Add(new BusinessMember { BusinessId = business.Id, UserId = user.Id, Role = role });
        await db.SaveChangesAsync();
        return new Member(business.Id, user.Id, email, Password);
    }

    public async Task<Guid> ContentAsync(Guid businessId, string title = "A content item", string? script = Script, string? shortScript = ShortScript)
    {
        var id = Guid.NewGuid();
        await WithDbAsync(db =>
        {
            db.Content.Add(new Content
            {
                Id = id,
                BusinessId = businessId,
                Title = title,
                VideoScript = script,
                ShortVideoScript = shortScript,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>An active HeyGen integration; without a key it has no secret, as one whose key was never saved.</summary>
    public Task HeyGenIntegrationAsync(Guid businessId, string? apiKey, string? avatarId, string? voiceId) => WithDbAsync(db =>
    {
        db.AiAvatarIntegrations.Add(new AiAvatarIntegration
        {
            Id = Guid.NewGuid(),
            BusinessId = businessId,
            Status = IntegrationStatus.Active,
            Secret = apiKey is null ? null : services.GetRequiredService<HeyGenSecrets>().Protect(apiKey),
            AvatarId = avatarId,
            VoiceId = voiceId,
            UpdatedAt = DateTimeOffset.UtcNow,
        });
        return db.SaveChangesAsync();
    });

    /// <summary>A generation of the slot, created and last changed now; <paramref name="shape"/> sets whatever else the test needs.</summary>
    public async Task<Guid> GenerationAsync(Guid contentId, VideoSlot slot, GenerationStatus status = GenerationStatus.Queued, Action<VideoGeneration>? shape = null)
    {
        var now = DateTimeOffset.UtcNow;
        var generation = new VideoGeneration { Id = Guid.NewGuid(), ContentId = contentId, Slot = slot, Status = status, CreatedAt = now, UpdatedAt = now };
        shape?.Invoke(generation);
        await WithDbAsync(db =>
        {
            db.VideoGenerations.Add(generation);
            return db.SaveChangesAsync();
        });
        return generation.Id;
    }

    /// <summary>Makes a video file the slot's video through the app's own media store, as an upload does.</summary>
    public async Task<VideoAsset> VideoAsync(Guid contentId, VideoSlot slot, string path)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<MediaStore>();
        var db = scope.ServiceProvider.GetRequiredService<StudioDb>();
        await using var file = File.OpenRead(path);
        var staged = await store.StageAsync(Guid.NewGuid(), file, long.MaxValue, CancellationToken.None);
        return await SlotVideos.AttachAsync(db, store, contentId, slot, staged, VideoSource.Upload, Path.GetFileName(path), null, CancellationToken.None);
    }
}

/// <summary>A member of a business of their own, as <see cref="StudioSeed.MemberAsync"/> made them.</summary>
public sealed record Member(Guid BusinessId, string UserId, string Email, string Password);
