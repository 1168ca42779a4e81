using VideoStudio.Core.Generation;
using AngleSharp.Dom;
using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Settings;

/// <summary>/settings/integrations, used through its real forms.</summary>
public class IntegrationsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task An_admin_saves_a_key_and_afterwards_sees_only_its_last_four_characters()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var key = HeyGenSim.NewKey() + "WXYZ";

        var saved = await admin.SaveHeyGenSettingsAsync(key, HeyGenSim.Avatar, HeyGenSim.Voice);

        Assert.Contains("HeyGen settings saved.", saved.QuerySelector("#heygen-saved")!.TextContent);
        Assert.Contains("Saved, ending in WXYZ", saved.QuerySelector("#heygen-summary")!.TextContent);
        Assert.DoesNotContain(key, saved.DocumentElement.OuterHtml);
        Assert.Equal("", saved.QuerySelector<IHtmlInputElement>("#api-key")!.Value);
        var stored = await _app.WithDbAsync(db => db.AiAvatarIntegrations.AsNoTracking().Include(i => i.Secret).SingleAsync(i => i.BusinessId == admin.BusinessId));
        Assert.Equal((IntegrationStatus.Active, HeyGenSim.Avatar, HeyGenSim.Voice), (stored.Status, stored.AvatarId, stored.VoiceId));
        Assert.DoesNotContain(key, stored.Secret!.Ciphertext);
        Assert.Equal("WXYZ", stored.Secret.Hint);
    }

    [Fact]
    public async Task Saving_again_without_a_key_keeps_the_saved_key()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey() + "KEEP", HeyGenSim.Avatar, HeyGenSim.Voice);

        var page = await admin.SaveHeyGenSettingsAsync("", HeyGenSim.PortraitAvatar, SimulatedHeyGen.Voices[1].VoiceId);

        Assert.Contains("Saved, ending in KEEP", page.QuerySelector("#heygen-summary")!.TextContent);
        Assert.Contains(HeyGenSim.PortraitAvatar, page.QuerySelector("#heygen-summary")!.TextContent);
        Assert.Equal(1, await _app.WithDbAsync(db => db.IntegrationSecrets.CountAsync(s => s.Hint == "KEEP")));
    }

    [Fact]
    public async Task Removing_the_saved_key_makes_the_cards_ask_for_one()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var id = await admin.CreateContentAsync();
        var page = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey(), HeyGenSim.Avatar, HeyGenSim.Voice);

        var response = await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-settings-form")!, new()
        {
            ["Input.RemoveKey"] = "true",
            ["Input.Active"] = "true",
        });
        var after = await (await FollowAsync(admin, response)).ParseAsync();

        Assert.Equal("Not set", after.QuerySelectorAll("#heygen-summary dd")[1].TextContent);
        Assert.False(await _app.WithDbAsync(db => db.IntegrationSecrets.AnyAsync(s => db.AiAvatarIntegrations.Any(i => i.BusinessId == admin.BusinessId && i.SecretId == s.Id))));
        var card = (await admin.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;
        Assert.Equal("not-configured", card.GetAttribute("data-state"));
        Assert.Contains(GenerationPolicy.MissingKeyMessage, card.TextContent);
    }

    [Fact]
    public async Task A_key_with_spaces_is_refused_with_a_reason_and_nothing_changes()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.Client.GetDocumentAsync("/settings/integrations");

        var response = await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-settings-form")!, new()
        {
            ["Input.ApiKey"] = "two words",
            ["Input.AvatarId"] = HeyGenSim.Avatar,
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var document = await response.ParseAsync();
        Assert.Contains("no spaces", document.QuerySelector("#heygen-error")!.TextContent);
        Assert.Equal(HeyGenSim.Avatar, document.QuerySelector<IHtmlInputElement>("#avatar-id")!.Value);
        Assert.False(await _app.WithDbAsync(db => db.AiAvatarIntegrations.AnyAsync(i => i.BusinessId == admin.BusinessId)));
    }

    [Fact]
    public async Task An_editor_is_told_who_can_change_the_settings_and_gets_no_form()
    {
        var editor = await _app.CreateTenantAsync(MemberRole.Editor);

        var page = await editor.Client.GetDocumentAsync("/settings/integrations");

        Assert.Contains("Only admins of", page.QuerySelector("#heygen-admins-only")!.TextContent);
        Assert.Null(page.QuerySelector("#heygen-settings-form"));
        Assert.Null(page.QuerySelector("#test-connection"));
    }

    [Fact]
    public async Task An_editor_posting_the_form_anyway_changes_nothing()
    {
        var editor = await _app.CreateTenantAsync(MemberRole.Editor);
        var page = await editor.Client.GetDocumentAsync("/settings/integrations");

        var response = await editor.Client.HtmxPostAsync(page, $"/settings/integrations?handler=Save&business={editor.BusinessId}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.ApiKey"] = "sneaky-key-000000", ["Input.Active"] = "true" }));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await _app.WithDbAsync(db => db.AiAvatarIntegrations.AnyAsync(i => i.BusinessId == editor.BusinessId)));
    }

    [Fact]
    public async Task Test_connection_shows_the_wallet_balance_in_its_currency()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey(), "", "");

        var result = await (await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-test-form")!, [])).ParseAsync();

        Assert.Equal("Connected to HeyGen. Balance: $42.50 in the API wallet.", result.QuerySelector("#connection-result")!.TextContent.Trim());
    }

    [Fact]
    public async Task Test_connection_with_a_rejected_key_says_the_key_was_rejected()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey("reject"), "", "");

        var result = await (await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-test-form")!, [])).ParseAsync();

        Assert.StartsWith("HeyGen rejected the API key.", result.QuerySelector("#heygen-error")!.TextContent.Trim());
        Assert.Null(result.QuerySelector("#connection-result"));
    }

    [Fact]
    public async Task Test_connection_when_HeyGen_is_unavailable_says_so_and_blames_nothing_in_the_settings()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey("unavailable"), "", "");

        var result = await (await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-test-form")!, [])).ParseAsync();

        var error = result.QuerySelector("#heygen-error")!.TextContent.Trim();
        Assert.StartsWith("HeyGen had a server error (HTTP 503).", error);
        Assert.Contains("Nothing is wrong with your settings", error);
    }

    [Fact]
    public async Task Looks_and_voices_load_from_HeyGen_with_orientation_and_previews_and_a_look_per_slot_is_saved()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey(), HeyGenSim.Avatar, "");

        var loaded = await (await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-catalog-form")!, [])).ParseAsync();

        var looks = loaded.QuerySelectorAll("#avatar-picker .picker-look").ToList();
        Assert.Equal(SimulatedHeyGen.Looks.Length, looks.Count);
        Assert.Contains(SimulatedHeyGen.Looks[1].Name, looks[1].TextContent);
        Assert.Contains("portrait", looks[1].TextContent);
        Assert.EndsWith(SimulatedHeyGen.Looks[1].PreviewFile, looks[1].QuerySelector("img")!.GetAttribute("src"));
        var voices = loaded.QuerySelector("#voice-picker")!;
        Assert.All(SimulatedHeyGen.Voices, v => Assert.Contains(v.Name, voices.TextContent));
        Assert.Equal(SimulatedHeyGen.Voices.Length, voices.QuerySelectorAll("audio[src]").Length);
        Assert.Equal(HeyGenSim.Avatar, loaded.QuerySelector<IHtmlInputElement>("#avatar-id")!.Value);

        var saved = await (await FollowAsync(admin, await admin.Client.SubmitAsync(loaded.QuerySelector<IHtmlFormElement>("#heygen-settings-form")!, new()
        {
            ["Input.PickedAvatarId"] = SimulatedHeyGen.Looks[0].Id,
            ["Input.PickedShortAvatarId"] = SimulatedHeyGen.Looks[1].Id,
            ["Input.PickedVoiceId"] = SimulatedHeyGen.Voices[2].VoiceId,
        }))).ParseAsync();

        var summary = saved.QuerySelector("#heygen-summary")!.TextContent;
        Assert.Contains(SimulatedHeyGen.Looks[1].Id, summary);
        Assert.Contains(SimulatedHeyGen.Voices[2].VoiceId, summary);
        var stored = await _app.WithDbAsync(db => db.AiAvatarIntegrations.AsNoTracking().SingleAsync(i => i.BusinessId == admin.BusinessId));
        Assert.Equal((SimulatedHeyGen.Looks[0].Id, SimulatedHeyGen.Looks[1].Id), (stored.AvatarId, stored.ShortAvatarId));
    }

    [Fact]
    public async Task Saving_a_look_HeyGen_does_not_know_is_refused_with_a_plain_message_and_nothing_changes()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey(), HeyGenSim.Avatar, HeyGenSim.Voice);

        var response = await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-settings-form")!, new()
        {
            ["Input.AvatarId"] = "Anna_v2_era_avatar",
            ["Input.Active"] = "true",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var document = await response.ParseAsync();
        Assert.Contains("HeyGen has no avatar look \"Anna_v2_era_avatar\"", document.QuerySelector("#heygen-problems")!.TextContent);
        Assert.Equal(HeyGenSim.Avatar, await _app.WithDbAsync(db => db.AiAvatarIntegrations.Where(i => i.BusinessId == admin.BusinessId).Select(i => i.AvatarId).SingleAsync()));
    }

    [Fact]
    public async Task Test_connection_names_stored_ids_that_no_longer_exist_at_HeyGen()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        await admin.ConfigureHeyGenAsync(HeyGenSim.NewKey(), avatarId: "Nora_bakery_20240612", voiceId: "1bd001e7e50f421d891986aad5158bc8");
        var page = await admin.Client.GetDocumentAsync("/settings/integrations");

        var result = await (await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-test-form")!, [])).ParseAsync();

        Assert.NotNull(result.QuerySelector("#connection-result"));
        var problems = result.QuerySelectorAll("#heygen-problems li").Select(li => li.TextContent).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains("\"Nora_bakery_20240612\"", problems[0]);
        Assert.Contains("\"1bd001e7e50f421d891986aad5158bc8\"", problems[1]);
    }

    [Fact]
    public async Task Test_connection_on_a_subscription_shows_credits_not_money()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var page = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey("subscription"), "", "");

        var result = await (await admin.Client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#heygen-test-form")!, [])).ParseAsync();

        Assert.Equal("Connected to HeyGen. Balance: 566 credits left on the creator plan.", result.QuerySelector("#connection-result")!.TextContent.Trim());
    }

    [Fact]
    public async Task With_a_public_url_the_webhook_can_be_registered_and_its_address_is_shown()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var key = HeyGenSim.NewKey();
        await admin.ConfigureHeyGenAsync(key);

        var (path, _) = await admin.RegisterWebhookAsync(key);

        var page = await admin.Client.GetDocumentAsync("/settings/integrations");
        Assert.Contains($"https://studio.example{path}", page.QuerySelector("#webhook-status")!.TextContent);
        Assert.StartsWith("/webhooks/heygen/", path);
        var endpoint = Assert.Single(HeyGenSim.State.EndpointsFor(key));
        Assert.Equal(["avatar_video.success", "avatar_video.fail", "avatar_video_caption.success", "avatar_video_caption.fail"], endpoint.Events);
        Assert.DoesNotContain(endpoint.Secret, page.DocumentElement.OuterHtml);
        var stored = await _app.WithDbAsync(db => db.AiAvatarIntegrations.AsNoTracking().Include(i => i.WebhookSecret).SingleAsync(i => i.BusinessId == admin.BusinessId));
        Assert.DoesNotContain(endpoint.Secret, stored.WebhookSecret!.Ciphertext);
    }

    [Fact]
    public async Task The_cards_configure_link_leads_here_and_back()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var id = await admin.CreateContentAsync();
        var content = await admin.Client.GetDocumentAsync($"/content/{id}");
        var configure = content.QuerySelector("#video-card-long .button-configure")!.GetAttribute("href")!;

        var settings = await admin.Client.GetDocumentAsync(configure);
        Assert.Equal($"/content/{id}#create-video", settings.QuerySelector("#back-link")!.GetAttribute("href"));

        var saved = await admin.SaveHeyGenSettingsAsync(HeyGenSim.NewKey(), HeyGenSim.Avatar, HeyGenSim.Voice, settings);
        Assert.Equal($"/content/{id}#create-video", saved.QuerySelector("#back-link")!.GetAttribute("href"));
        var card = (await admin.Client.GetDocumentAsync($"/content/{id}")).QuerySelector("#video-card-long")!;
        Assert.Equal("empty", card.GetAttribute("data-state"));
        Assert.False(card.QuerySelector<IHtmlButtonElement>("#video-card-long-generate")!.IsDisabled);
    }

    [Fact]
    public async Task A_return_url_to_another_site_is_ignored()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);

        var page = await admin.Client.GetDocumentAsync("/settings/integrations?returnUrl=https%3A%2F%2Fevil.example%2F");

        Assert.Null(page.QuerySelector("#back-link"));
        Assert.DoesNotContain("evil.example", page.DocumentElement.OuterHtml);
    }

    [Fact]
    public async Task A_member_of_two_businesses_picks_which_one_to_configure()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var other = await _app.CreateTenantAsync(MemberRole.Admin);
        await _app.WithDbAsync(async db =>
        {
            db.BusinessMembers.Add(new VideoStudio.Core.Data.BusinessMember { BusinessId = other.BusinessId, UserId = admin.UserId, Role = MemberRole.Editor });
            await db.SaveChangesAsync();
        });

        var page = await admin.Client.GetDocumentAsync("/settings/integrations");
        var options = page.QuerySelectorAll("#business option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(2, options.Count);
        Assert.NotNull(page.QuerySelector("#heygen-settings-form"));

        var asEditor = await admin.Client.GetDocumentAsync($"/settings/integrations?business={other.BusinessId}");
        Assert.NotNull(asEditor.QuerySelector("#heygen-admins-only"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync($"/settings/integrations?business={Guid.NewGuid()}")).StatusCode);
    }

    private static async Task<HttpResponseMessage> FollowAsync(Tenant tenant, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await tenant.Client.GetAsync(response.Headers.Location);
    }
}
