using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Businesses;

[Collection(MediaCollection.Name)]
public class PeopleTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task An_admin_sees_the_storage_the_business_uses_for_current_videos_and_earlier_versions()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var id = await admin.CreateContentAsync();
        var page = await admin.Client.GetDocumentAsync($"/content/{id}");
        await admin.UploadAsync(page, id, "long", Videos.Mp4, "first.mp4");
        await admin.UploadAsync(page, id, "long", Videos.Mp4, "second.mp4");
        await admin.UploadAsync(page, id, "short", Videos.WebM, "short.webm", "video/webm");
        var size = Core.Media.MediaStore.FormatBytes(Videos.Mp4.Length);
        var total = Core.Media.MediaStore.FormatBytes(2L * Videos.Mp4.Length + Videos.WebM.Length);
        var current = Core.Media.MediaStore.FormatBytes(Videos.Mp4.Length + Videos.WebM.Length);

        var people = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");

        var used = people.QuerySelector("#storage-used")!.TextContent;
        Assert.Contains($"{total} of video files", used);
        Assert.Contains($"{current} in 2 current videos", used);
        Assert.Contains($"{size} in 1 earlier version kept in History", used);
    }

    [Fact]
    public async Task Invitations_refuse_bad_addresses_and_a_resent_link_replaces_the_old_one()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var people = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        var form = people.QuerySelector<IHtmlFormElement>("#invite-form")!;

        foreach (var (email, expected) in new[]
        {
            ("", "Enter the e-mail"), ("not-an-address", "name@example.com"), (admin.Email, "already a member"),
            (new string('a', 250) + "@team.example", "at most 256 characters"),
        })
        {
            var refused = await (await admin.Client.SubmitAsync(form, new() { ["Invite.Email"] = email, ["Invite.Role"] = "Editor" })).ParseAsync();
            Assert.Contains(expected, refused.QuerySelector("#invite-email-error")!.TextContent);
            Assert.Null(refused.QuerySelector("#issued-link"));
        }
        var first = Link(await (await admin.Client.SubmitAsync(form, new() { ["Invite.Email"] = "new@team.example", ["Invite.Role"] = "Admin" })).ParseAsync());
        var twice = await (await admin.Client.SubmitAsync(form, new() { ["Invite.Email"] = "NEW@team.example", ["Invite.Role"] = "Editor" })).ParseAsync();
        Assert.Contains("already invited", twice.QuerySelector("#invite-email-error")!.TextContent);

        var pending = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        var resend = (IHtmlFormElement)pending.QuerySelector("button[aria-label='Send the invitation for new@team.example again']")!.Closest("form")!;
        var second = Link(await (await admin.Client.SubmitAsync(resend, [])).ParseAsync());

        var anonymous = _app.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(first)).StatusCode);
        var accept = await anonymous.GetDocumentAsync(second);
        Assert.Contains("as an admin", accept.QuerySelector("#invitation-summary")!.TextContent);
    }

    [Fact]
    public async Task Accepting_with_a_weak_password_explains_it_and_leaves_the_invitation_unused()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var link = await InviteAsync(admin, "weak@team.example", "Editor");
        var anonymous = _app.CreateBrowserlessClient();
        var form = (await anonymous.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#accept-form")!;

        var weak = await (await anonymous.SubmitAsync(form, new() { ["Input.DisplayName"] = "Wanda", ["Input.Password"] = "password" })).ParseAsync();
        var noName = await (await anonymous.SubmitAsync(form, new() { ["Input.DisplayName"] = "", ["Input.Password"] = "Good!Pass2026" })).ParseAsync();

        Assert.NotEmpty(weak.QuerySelector("#password-error")!.TextContent.Trim());
        Assert.Contains("Enter your name", noName.QuerySelector("#name-error")!.TextContent);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == "weak@team.example")));
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SubmitAsync(form, new() { ["Input.DisplayName"] = "Wanda", ["Input.Password"] = "Good!Pass2026" })).StatusCode);
    }

    [Fact]
    public async Task Expired_and_withdrawn_invitations_say_so_and_create_nobody()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var expired = await InviteAsync(admin, "late@team.example", "Editor");
        await _app.WithDbAsync(db => db.Invitations.Where(i => i.Email == "late@team.example")
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        var withdrawn = await InviteAsync(admin, "gone@team.example", "Editor");
        var pending = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        await admin.Client.SubmitAsync((IHtmlFormElement)pending.QuerySelector("button[aria-label='Withdraw the invitation for gone@team.example']")!.Closest("form")!, []);

        foreach (var (link, expected) in new[] { (expired, "expired"), (withdrawn, "withdrawn") })
        {
            var response = await _app.CreateBrowserlessClient().GetAsync(link);
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains(expected, (await response.ParseAsync()).QuerySelector("#invitation-closed")!.TextContent);
        }
    }

    [Fact]
    public async Task An_admin_changes_roles_and_removes_members_but_never_the_last_admin()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var editor = await JoinAsync(admin, "role@team.example", "Editor");
        var people = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");

        var demoteSelf = await (await admin.Client.SubmitAsync(RoleForm(people, admin.UserId), new() { ["role"] = "Editor" })).ParseAsync();
        Assert.Contains("at least one admin", demoteSelf.QuerySelector("#people-message")!.TextContent);
        await admin.Client.SubmitAsync(RoleForm(people, editor.UserId), new() { ["role"] = "Admin" });
        Assert.Equal(HttpStatusCode.OK, (await editor.Client.GetAsync($"/businesses/{admin.BusinessId}/people")).StatusCode);

        var remove = (IHtmlFormElement)people.QuerySelector($"li[data-user='{editor.UserId}'] details form")!;
        await admin.Client.SubmitAsync(remove, []);

        Assert.Equal(HttpStatusCode.NotFound, (await editor.Client.GetAsync($"/businesses/{admin.BusinessId}/people")).StatusCode);
        Assert.False(await _app.WithDbAsync(db => db.BusinessMembers.AnyAsync(m => m.UserId == editor.UserId)));
    }

    [Fact]
    public async Task A_role_that_does_not_exist_is_refused_and_changes_nothing()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var second = await JoinAsync(admin, $"odd-role-{Guid.NewGuid():N}@team.example", "Admin");
        var people = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");

        var refused = await (await admin.Client.SubmitAsync(RoleForm(people, second.UserId), new() { ["role"] = "Owner" })).ParseAsync();
        var invite = await (await admin.Client.SubmitAsync(people.QuerySelector<IHtmlFormElement>("#invite-form")!, new() { ["Invite.Email"] = "owner@team.example", ["Invite.Role"] = "Owner" })).ParseAsync();

        Assert.Contains("Choose editor or admin", refused.QuerySelector("#people-message")!.TextContent);
        Assert.Equal(MemberRole.Admin, await _app.WithDbAsync(db => db.BusinessMembers.Where(m => m.BusinessId == admin.BusinessId && m.UserId == second.UserId).Select(m => m.Role).SingleAsync()));
        Assert.Contains("Choose editor or admin", invite.QuerySelector("#invite-role-error")!.TextContent);
        Assert.False(await _app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.BusinessId == admin.BusinessId && i.Email == "owner@team.example")));
    }

    [Fact]
    public async Task A_site_admin_joins_a_second_business_with_the_password_of_their_existing_account()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var siteAdmin = await _app.CreateTenantAsync(MemberRole.Admin, siteAdmin: true);
        var link = await InviteAsync(admin, siteAdmin.Email, "Editor");
        var browser = _app.CreateBrowserlessClient();
        var page = await browser.GetDocumentAsync(link);
        Assert.Null(page.QuerySelector("#Input_DisplayName"));
        var form = page.QuerySelector<IHtmlFormElement>("#accept-form")!;

        var wrong = await (await browser.SubmitAsync(form, new() { ["Input.Password"] = "Not!ThePassword1" })).ParseAsync();
        Assert.Contains($"not the password of {siteAdmin.Email}", wrong.QuerySelector("#password-error")!.TextContent);
        Assert.False(await _app.WithDbAsync(db => db.BusinessMembers.AnyAsync(m => m.BusinessId == admin.BusinessId && m.UserId == siteAdmin.UserId)));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link)).StatusCode);

        var joined = await browser.SubmitAsync(form, new() { ["Input.Password"] = siteAdmin.Password });

        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        var memberships = await _app.WithDbAsync(db => db.BusinessMembers.Where(m => m.UserId == siteAdmin.UserId).ToDictionaryAsync(m => m.BusinessId, m => m.Role));
        Assert.Equal(MemberRole.Editor, memberships[admin.BusinessId]);
        Assert.Equal(MemberRole.Admin, memberships[siteAdmin.BusinessId]);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == siteAdmin.Email)));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link)).StatusCode);
    }

    [Fact]
    public async Task An_overlong_name_is_refused_next_to_the_field_and_creates_nobody()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var email = $"long-name-{Guid.NewGuid():N}@team.example";
        var link = await InviteAsync(admin, email, "Editor");
        var anonymous = _app.CreateBrowserlessClient();
        var form = (await anonymous.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#accept-form")!;

        var refused = await (await anonymous.SubmitAsync(form, new() { ["Input.DisplayName"] = new string('n', 101), ["Input.Password"] = "Good!Pass2026" })).ParseAsync();

        Assert.Contains("under 100 characters", refused.QuerySelector("#name-error")!.TextContent);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == email)));
        Assert.Null(await _app.WithDbAsync(db => db.Invitations.Where(i => i.Email == email).Select(i => i.AcceptedAt).SingleAsync()));
    }

    [Fact]
    public async Task Editors_cannot_manage_people()
    {
        var editor = await _app.CreateTenantAsync(MemberRole.Editor);

        Assert.Equal(HttpStatusCode.NotFound, (await editor.Client.GetAsync($"/businesses/{editor.BusinessId}/people")).StatusCode);
        Assert.Null((await editor.Client.GetDocumentAsync("/businesses")).QuerySelector("#create-business-form"));
    }

    [Fact]
    public async Task A_reset_link_from_an_admin_sets_a_new_password_once()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var editor = await JoinAsync(admin, "forgot@team.example", "Editor");
        var people = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        var issue = (IHtmlFormElement)people.QuerySelector($"li[data-user='{editor.UserId}'] button[aria-label^='Password reset link']")!.Closest("form")!;
        var link = Link(await (await admin.Client.SubmitAsync(issue, [])).ParseAsync());

        var anonymous = _app.CreateBrowserlessClient();
        var form = (await anonymous.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#reset-form")!;
        var weak = await (await anonymous.SubmitAsync(form, new() { ["NewPassword"] = "short" })).ParseAsync();
        Assert.NotEmpty(weak.QuerySelector("#reset-password-error")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SubmitAsync(form, new() { ["NewPassword"] = "Fresh!Pass2026" })).StatusCode);

        var again = await (await anonymous.SubmitAsync(form, new() { ["NewPassword"] = "Other!Pass2026" })).ParseAsync();
        Assert.Contains("does not work any more", again.QuerySelector("#reset-error")!.TextContent);
        await _app.CreateBrowserlessClient().SignInAsync("forgot@team.example", "Fresh!Pass2026");
        Assert.Equal(HttpStatusCode.Redirect, (await editor.Client.GetAsync("/content")).StatusCode);
    }

    private static IHtmlFormElement RoleForm(IHtmlDocument people, string userId) =>
        (IHtmlFormElement)people.QuerySelector($"li[data-user='{userId}'] select[name=role]")!.Closest("form")!;

    private static string Link(IHtmlDocument page) => new Uri(page.QuerySelector<IHtmlInputElement>("#issued-link-url")!.Value).PathAndQuery;

    private static async Task<string> InviteAsync(Tenant admin, string email, string role)
    {
        var people = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        var response = await admin.Client.SubmitAsync(people.QuerySelector<IHtmlFormElement>("#invite-form")!, new() { ["Invite.Email"] = email, ["Invite.Role"] = role });
        return Link(await response.ParseAsync());
    }

    /// <summary>Invites and accepts, returning the new member signed in on their own client.</summary>
    private async Task<Tenant> JoinAsync(Tenant admin, string email, string role)
    {
        var link = await InviteAsync(admin, email, role);
        var client = _app.CreateBrowserlessClient();
        var form = (await client.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#accept-form")!;
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(form, new() { ["Input.DisplayName"] = email, ["Input.Password"] = StudioSeed.Password })).StatusCode);
        var userId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        return new Tenant(_app, admin.BusinessId, userId, email, StudioSeed.Password, client);
    }
}
