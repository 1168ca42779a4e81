using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Auth;

public class SessionCheckTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_cookie_copied_before_sign_out_stops_working_at_once()
    {
        var tenant = await _app.CreateTenantAsync();
        var copy = await CopySessionAsync(tenant.Client);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/content")).StatusCode);
        var list = await tenant.Client.GetDocumentAsync("/content");

        await tenant.Client.SubmitAsync((IHtmlFormElement)list.QuerySelector("#sign-out")!.Closest("form")!, []);

        var after = await copy.GetAsync("/content");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Signing_out_ends_this_session_only_and_the_other_device_stays_signed_in()
    {
        var tenant = await _app.CreateTenantAsync();
        var otherDevice = _app.CreateBrowserlessClient();
        await otherDevice.SignInAsync(tenant.Email, tenant.Password);
        var copy = await CopySessionAsync(tenant.Client);
        var list = await tenant.Client.GetDocumentAsync("/content");

        await tenant.Client.SubmitAsync((IHtmlFormElement)list.QuerySelector("#sign-out")!.Closest("form")!, []);

        Assert.Equal(HttpStatusCode.Redirect, (await copy.GetAsync("/content")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await tenant.Client.GetAsync("/content")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherDevice.GetAsync("/content")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session_and_closes_their_streams()
    {
        var tenant = await _app.CreateTenantAsync();
        var otherDevice = _app.CreateBrowserlessClient();
        await otherDevice.SignInAsync(tenant.Email, tenant.Password);
        var copy = await CopySessionAsync(tenant.Client);
        var id = await tenant.CreateContentAsync();
        await using var stream = await CardStream.OpenAsync(otherDevice, id);
        await using var otherPage = await CardStream.OpenAsync(copy, "/events");
        await stream.NextCardAsync();
        var account = await tenant.Client.GetDocumentAsync("/account");

        var signedOut = await tenant.Client.SubmitAsync(account.QuerySelector<IHtmlFormElement>("#sign-out-everywhere-form")!, []);

        Assert.StartsWith("/account/login", signedOut.Headers.Location!.PathAndQueryOf());
        Assert.Equal("signed-out", (await stream.EndedAsync()).GetAttribute("data-stream-ended"));
        Assert.Equal("signed-out", (await otherPage.EndedAsync()).GetAttribute("data-stream-ended"));
        foreach (var client in new[] { tenant.Client, otherDevice, copy })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/content")).StatusCode);
        }
    }

    [Fact]
    public async Task A_demoted_business_admin_loses_the_people_page_at_the_next_request()
    {
        var keeper = await _app.CreateTenantAsync(MemberRole.Admin);
        var demoted = _app.CreateBrowserlessClient();
        var member = await _app.Seed.MemberAsync();
        await _app.WithDbAsync(db =>
        {
            db.BusinessMembers.Add(new Core.Data.BusinessMember { BusinessId = keeper.BusinessId, UserId = member.UserId, Role = MemberRole.Admin });
            return db.SaveChangesAsync();
        });
        await demoted.SignInAsync(member.Email, member.Password);
        Assert.Equal(HttpStatusCode.OK, (await demoted.GetAsync($"/businesses/{keeper.BusinessId}/people")).StatusCode);
        var people = await keeper.Client.GetDocumentAsync($"/businesses/{keeper.BusinessId}/people");

        await keeper.Client.SubmitAsync((IHtmlFormElement)people.QuerySelector($"li[data-user='{member.UserId}'] select[name=role]")!.Closest("form")!, new() { ["role"] = "Editor" });

        Assert.Equal(HttpStatusCode.NotFound, (await demoted.GetAsync($"/businesses/{keeper.BusinessId}/people")).StatusCode);
    }

    [Fact]
    public async Task A_changed_password_ends_the_other_sessions_and_keeps_this_one()
    {
        var tenant = await _app.CreateTenantAsync();
        var other = await CopySessionAsync(tenant.Client);
        var form = (await tenant.Client.GetDocumentAsync("/account/password")).QuerySelector<IHtmlFormElement>("#password-form")!;

        var wrong = await (await tenant.Client.SubmitAsync(form, new() { ["Input.CurrentPassword"] = "nope", ["Input.NewPassword"] = "Next!Pass2026" })).ParseAsync();
        Assert.Contains("not your current password", wrong.QuerySelector("#current-password-error")!.TextContent);
        var weak = await (await tenant.Client.SubmitAsync(form, new() { ["Input.CurrentPassword"] = tenant.Password, ["Input.NewPassword"] = "weak" })).ParseAsync();
        Assert.NotEmpty(weak.QuerySelector("#new-password-error")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/content")).StatusCode);

        var changed = await tenant.Client.SubmitAsync(form, new() { ["Input.CurrentPassword"] = tenant.Password, ["Input.NewPassword"] = "Next!Pass2026" });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.GetAsync("/content")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/content")).StatusCode);
    }

    [Fact]
    public async Task A_demoted_site_admin_is_refused_at_the_next_request()
    {
        var keeper = await _app.CreateTenantAsync(siteAdmin: true);
        var demoted = await _app.CreateTenantAsync(siteAdmin: true);
        Assert.Equal(HttpStatusCode.OK, (await demoted.Client.GetAsync("/admin/metrics")).StatusCode);

        var businesses = await keeper.Client.GetDocumentAsync("/businesses");
        var demote = (IHtmlFormElement)businesses.QuerySelector($"#site-admins input[value='{demoted.UserId}']")!.Closest("form")!;
        await keeper.Client.SubmitAsync(demote, []);

        var refused = await demoted.Client.GetAsync("/admin/metrics");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/login", refused.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_removed_member_s_open_stream_closes()
    {
        var admin = await _app.CreateTenantAsync(MemberRole.Admin);
        var editor = await _app.CreateTenantAsync();
        await _app.WithDbAsync(db =>
        {
            db.BusinessMembers.Add(new Core.Data.BusinessMember { BusinessId = admin.BusinessId, UserId = editor.UserId, Role = MemberRole.Editor });
            return db.SaveChangesAsync();
        });
        var id = await admin.CreateContentAsync();
        await using var stream = await CardStream.OpenAsync(editor.Client, id);
        await stream.NextCardAsync();

        var people = await admin.Client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        await admin.Client.SubmitAsync((IHtmlFormElement)people.QuerySelector($"li[data-user='{editor.UserId}'] details form")!, []);

        var ended = await stream.EndedAsync();
        Assert.Equal("no-access", ended.GetAttribute("data-stream-ended"));
        Assert.Equal("/content", ended.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Client.GetAsync($"/content/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_signed_out_session_s_open_stream_says_so_with_a_way_back_to_the_item_and_ends()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var copy = await CopySessionAsync(tenant.Client);
        await using var stream = await CardStream.OpenAsync(copy, id);
        await stream.NextCardAsync();

        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        await tenant.Client.SubmitAsync((IHtmlFormElement)page.QuerySelector("#sign-out")!.Closest("form")!, []);

        var ended = await stream.EndedAsync();
        Assert.Equal("signed-out", ended.GetAttribute("data-stream-ended"));
        Assert.Equal("alert", ended.GetAttribute("role"));
        Assert.Contains("You were signed out", ended.TextContent);
        Assert.Equal($"/account/login?returnUrl={Uri.EscapeDataString($"/content/{id}")}", ended.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task A_demoted_site_admin_s_open_stream_ends()
    {
        var keeper = await _app.CreateTenantAsync(siteAdmin: true);
        var demoted = await _app.CreateTenantAsync(siteAdmin: true);
        await using var stream = await CardStream.OpenAsync(demoted.Client, "/events");

        var businesses = await keeper.Client.GetDocumentAsync("/businesses");
        await keeper.Client.SubmitAsync((IHtmlFormElement)businesses.QuerySelector($"#site-admins input[value='{demoted.UserId}']")!.Closest("form")!, []);

        Assert.Equal("signed-out", (await stream.EndedAsync()).GetAttribute("data-stream-ended"));
    }

    [Fact]
    public async Task Last_seen_moves_on_with_a_request_made_more_than_five_minutes_after_it_and_not_sooner()
    {
        var tenant = await _app.CreateTenantAsync();
        var sixMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-6);
        var fourMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-4);
        Task SetLastSeenAsync(DateTimeOffset at) => _app.WithDbAsync(db =>
            db.UserSessions.Where(s => s.UserId == tenant.UserId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, at)));
        async Task<string> LastSeenOnTheAccountPageAsync() =>
            (await tenant.Client.GetDocumentAsync("/account")).QuerySelector("#sessions .muted")!.TextContent;

        await SetLastSeenAsync(fourMinutesAgo);
        Assert.Contains($"last seen {fourMinutesAgo:d MMM, HH:mm} UTC", await LastSeenOnTheAccountPageAsync());

        await SetLastSeenAsync(sixMinutesAgo);
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.GetAsync("/content")).StatusCode);

        var seen = await _app.WithDbAsync(db => db.UserSessions.Where(s => s.UserId == tenant.UserId).Select(s => s.LastSeenAt).SingleAsync());
        Assert.InRange(seen, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    /// <summary>A second client holding the same cookies, as someone who copied them would.</summary>
    private async Task<HttpClient> CopySessionAsync(HttpClient signedIn)
    {
        var response = await signedIn.GetAsync("/content");
        var cookie = response.RequestMessage!.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : "";
        var copy = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", cookie);
        return copy;
    }
}
