using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace VideoStudio.Core.Data;

public class StudioDb(DbContextOptions<StudioDb> options)
    : IdentityDbContext<StudioUser>(options), IDataProtectionKeyContext
{
    public DbSet<Business> Businesses => Set<Business>();
    public DbSet<BusinessMember> BusinessMembers => Set<BusinessMember>();
    public DbSet<Content> Content => Set<Content>();
    public DbSet<AiAvatarIntegration> AiAvatarIntegrations => Set<AiAvatarIntegration>();
    public DbSet<IntegrationSecret> IntegrationSecrets => Set<IntegrationSecret>();
    public DbSet<VideoAsset> VideoAssets => Set<VideoAsset>();
    public DbSet<VideoGeneration> VideoGenerations => Set<VideoGeneration>();
    public DbSet<VideoEvent> VideoEvents => Set<VideoEvent>();
    public DbSet<UploadSession> UploadSessions => Set<UploadSession>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ApiIdempotencyKey> ApiIdempotencyKeys => Set<ApiIdempotencyKey>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<VideoSlot>().HaveConversion<SnakeCaseEnumConverter<VideoSlot>>();
        configuration.Properties<VideoSource>().HaveConversion<SnakeCaseEnumConverter<VideoSource>>();
        configuration.Properties<MemberRole>().HaveConversion<SnakeCaseEnumConverter<MemberRole>>();
        configuration.Properties<IntegrationStatus>().HaveConversion<SnakeCaseEnumConverter<IntegrationStatus>>();
        configuration.Properties<GenerationStatus>().HaveConversion<SnakeCaseEnumConverter<GenerationStatus>>();
        configuration.Properties<ApiScope>().HaveConversion<SnakeCaseEnumConverter<ApiScope>>();
        configuration.Properties<WebhookDeliveryStatus>().HaveConversion<SnakeCaseEnumConverter<WebhookDeliveryStatus>>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("pg_trgm");

        // The naming convention leaves Identity's explicit table names alone.
        builder.Entity<StudioUser>().ToTable("asp_net_users");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityRole>().ToTable("asp_net_roles");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserRole<string>>().ToTable("asp_net_user_roles");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<string>>().ToTable("asp_net_user_claims");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<string>>().ToTable("asp_net_user_logins");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<string>>().ToTable("asp_net_user_tokens");
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityRoleClaim<string>>().ToTable("asp_net_role_claims");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        builder.Entity<Business>(e =>
        {
            e.ToTable("businesses");
            e.Property(b => b.Name).HasMaxLength(200);
        });

        builder.Entity<BusinessMember>(e =>
        {
            e.ToTable("business_members");
            e.HasKey(m => new { m.BusinessId, m.UserId });
            e.HasIndex(m => m.UserId);
            e.HasOne(m => m.Business).WithMany(b => b.Members).HasForeignKey(m => m.BusinessId);
            e.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId);
        });

        builder.Entity<Content>(e =>
        {
            e.ToTable("content");
            e.Property(c => c.Title).HasMaxLength(300);
            e.Property(c => c.Version).IsRowVersion();
            e.HasOne(c => c.Business).WithMany().HasForeignKey(c => c.BusinessId);
            e.HasIndex(c => c.BusinessId);
            // One index per sort of the content list, so each page is a short range scan from the last row seen (keyset).
            e.HasIndex(c => new { c.BusinessId, c.UpdatedAt, c.Id }, "ix_content_list_by_change")
                .HasDatabaseName("ix_content_list_by_change")
                .IsDescending(false, true, true)
                .HasFilter("archived_at IS NULL");
            e.HasIndex(c => new { c.BusinessId, c.Title, c.Id }, "ix_content_list_by_title")
                .HasDatabaseName("ix_content_list_by_title")
                .HasFilter("archived_at IS NULL");
            e.HasIndex(c => new { c.BusinessId, c.ArchivedAt, c.Id }, "ix_content_list_archived")
                .HasDatabaseName("ix_content_list_archived")
                .IsDescending(false, true, true)
                .HasFilter("archived_at IS NOT NULL");
            // Search matches any part of the title: trigram GIN, since a btree only helps a prefix.
            e.HasIndex(c => c.Title, "ix_content_title_trgm")
                .HasDatabaseName("ix_content_title_trgm")
                .HasMethod("gin")
                .HasOperators("gin_trgm_ops");
            // Indexing the script text itself rejects scripts over btree's ~2.7 KB row limit;
            // a partial index on the key answers "which content has a short script" for any length.
            e.HasIndex(c => c.BusinessId, "ix_content_business_id_has_short_video_script")
                .HasDatabaseName("ix_content_business_id_has_short_video_script")
                .HasFilter("short_video_script IS NOT NULL");
        });

        builder.Entity<UserSession>(e =>
        {
            e.ToTable("user_sessions");
            e.HasIndex(s => s.UserId);
            e.HasOne<StudioUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.Property(s => s.Address).HasMaxLength(64);
            e.Property(s => s.UserAgent).HasMaxLength(256);
        });

        builder.Entity<Invitation>(e =>
        {
            e.ToTable("invitations");
            e.HasIndex(i => i.TokenHash).IsUnique();
            e.HasIndex(i => i.BusinessId);
            e.Property(i => i.Email).HasMaxLength(256);
            e.Property(i => i.TokenHash).HasMaxLength(64);
            e.HasOne(i => i.Business).WithMany().HasForeignKey(i => i.BusinessId);
        });

        builder.Entity<AiAvatarIntegration>(e =>
        {
            e.ToTable("ai_avatar_integrations");
            e.HasIndex(i => new { i.BusinessId, i.Provider }).IsUnique();
            e.HasOne<Business>().WithMany(b => b.Integrations).HasForeignKey(i => i.BusinessId);
            e.HasOne(i => i.Secret).WithMany().HasForeignKey(i => i.SecretId).OnDelete(DeleteBehavior.SetNull);
            e.Property(i => i.Provider).HasMaxLength(40);
            e.HasOne(i => i.WebhookSecret).WithMany().HasForeignKey(i => i.WebhookSecretId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(i => i.WebhookToken).IsUnique();
            e.Property(i => i.AvatarId).HasMaxLength(200);
            e.Property(i => i.ShortAvatarId).HasMaxLength(200);
            e.Property(i => i.VoiceId).HasMaxLength(200);
            e.Property(i => i.Engine).HasMaxLength(40);
            e.Property(i => i.WebhookEndpointId).HasMaxLength(200);
            e.Property(i => i.WebhookToken).HasMaxLength(64);
        });

        builder.Entity<IntegrationSecret>(e => e.ToTable("integration_secrets"));

        builder.Entity<VideoAsset>(e =>
        {
            e.ToTable("video_assets");
            e.HasOne<Content>().WithMany().HasForeignKey(a => a.ContentId);
            e.HasIndex(a => new { a.ContentId, a.Slot });
            e.Property(a => a.OriginalFileName).HasMaxLength(255);
            e.Property(a => a.ContentType).HasMaxLength(100);
            e.Property(a => a.PosterKey).HasMaxLength(100);
            e.Property(a => a.CaptionsKey).HasMaxLength(100);
            e.Property(a => a.VideoCodec).HasMaxLength(40);
            e.Property(a => a.AudioCodec).HasMaxLength(40);
            e.Ignore(a => a.IsCurrent);
        });

        builder.Entity<VideoGeneration>(e =>
        {
            e.ToTable("video_generations");
            e.HasOne<Content>().WithMany().HasForeignKey(g => g.ContentId);
            e.HasIndex(g => new { g.ContentId, g.Slot, g.CreatedAt });
            e.HasIndex(g => new { g.ContentId, g.Slot }, "ux_video_generations_one_active_per_slot")
                .HasDatabaseName("ux_video_generations_one_active_per_slot")
                .IsUnique()
                .HasFilter("status IN ('queued', 'submitted', 'processing')");
            e.Property(g => g.AvatarId).HasMaxLength(200);
            e.Property(g => g.VoiceId).HasMaxLength(200);
            e.Property(g => g.ScriptExcerpt).HasMaxLength(300);
            e.Property(g => g.JobId).HasMaxLength(100);
        });

        builder.Entity<UploadSession>(e =>
        {
            e.ToTable("upload_sessions");
            e.HasOne<Content>().WithMany().HasForeignKey(u => u.ContentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(u => new { u.UserId, u.FinishedAt });
            e.HasIndex(u => u.BusinessId);
            e.HasIndex(u => u.ExpiresAt);
            e.Property(u => u.FileName).HasMaxLength(255);
            e.Property(u => u.Format).HasMaxLength(10);
        });

        builder.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.HasOne<Business>().WithMany().HasForeignKey(t => t.BusinessId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.BusinessId);
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.Prefix).HasMaxLength(20);
            e.Property(t => t.Scope).HasMaxLength(10);
        });

        builder.Entity<ApiIdempotencyKey>(e =>
        {
            e.ToTable("api_idempotency_keys");
            e.HasKey(k => new { k.TokenId, k.Key });
            e.HasOne<ApiToken>().WithMany().HasForeignKey(k => k.TokenId).OnDelete(DeleteBehavior.Cascade);
            e.Property(k => k.Key).HasMaxLength(255);
            e.HasIndex(k => k.CreatedAt);
        });

        builder.Entity<WebhookEndpoint>(e =>
        {
            e.ToTable("webhook_endpoints");
            e.HasOne<Business>().WithMany().HasForeignKey(w => w.BusinessId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(w => w.Secret).WithMany().HasForeignKey(w => w.SecretId);
            e.HasIndex(w => w.BusinessId);
            e.Property(w => w.Url).HasMaxLength(2000);
        });

        builder.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
            // An endpoint's recent deliveries, newest first.
            e.HasIndex(d => new { d.EndpointId, d.CreatedAt });
            e.Property(d => d.EventType).HasMaxLength(40);
            e.Property(d => d.LastError).HasMaxLength(500);
            e.Property(d => d.JobId).HasMaxLength(100);
            e.HasIndex(d => d.CreatedAt).HasFilter("status = 'pending' AND job_id IS NULL").HasDatabaseName("ix_webhook_deliveries_unsent");
        });

        builder.Entity<VideoEvent>(e =>
        {
            e.ToTable("video_events");
            e.HasIndex(v => v.At);
            e.HasIndex(v => new { v.BusinessId, v.At });
            // A slot's audit trail, newest first.
            e.HasIndex(v => new { v.ContentId, v.Slot, v.At });
        });
    }
}

/// <summary>Stores enums as snake_case text ("timed_out"), readable in SQL and stable across renames of C# casing.</summary>
public sealed class SnakeCaseEnumConverter<T>() : ValueConverter<T, string>(
    v => ToSnake(v.ToString()),
    s => Parse(s)) where T : struct, Enum
{
    public static T Parse(string stored) => Enum.Parse<T>(stored.Replace("_", ""), true);

    private static string ToSnake(string name) =>
        string.Concat(name.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
