using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Npgsql;
using VideoStudio.Core;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Invitations;

/// <summary>With SMTP configured, invitation and reset links arrive by e-mail through a real SMTP server and work when followed.</summary>
public sealed class InvitationMailTests(MailingApp mailing) : IClassFixture<MailingApp>
{
    private readonly MailingApp _mailing = mailing;

    [Theory]
    [InlineData("", "https://studio.example", "Studio:Smtp:From")]
    [InlineData("VideoStudio <studio@studio.example>", "", "Studio:PublicUrl")]
    public void SMTP_without_a_sender_or_a_public_address_refuses_to_start_and_names_the_setting(string from, string publicUrl, string named)
    {
        using var app = StudioApp.Instance.WithWebHostBuilder(b => b
            .UseSetting("Studio:Smtp:Host", "127.0.0.1")
            .UseSetting("Studio:Smtp:From", from)
            .UseSetting("Studio:PublicUrl", publicUrl));

        Assert.Contains(named, StartupRefusal.MessagesOf(app));
    }

    [Fact]
    public async Task An_e_mailed_invitation_link_works_and_its_token_is_stored_nowhere_in_clear()
    {
        var admin = await _mailing.Seed.MemberAsync(MemberRole.Admin);
        var client = await _mailing.SignedInAsync(admin);
        var email = $"mailed-{Guid.NewGuid():N}@team.example";

        var people = await client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        var sent = await (await client.SubmitAsync(people.QuerySelector<IHtmlFormElement>("#invite-form")!, new() { ["Invite.Email"] = email, ["Invite.Role"] = "Editor" })).ParseAsync();
        Assert.Contains(email, sent.QuerySelector("#people-sent")!.TextContent);
        Assert.Null(sent.QuerySelector("#issued-link"));

        var message = await SmtpSink.WaitForMessageAsync(email);
        Assert.Equal("studio@studio.example", message.From.Mailboxes.Single().Address);
        var link = LinkIn(message, "/invitations/");
        var token = link["/invitations/".Length..];
        Assert.Empty(await StoredAnywhereAsync(token));
        Assert.DoesNotContain(_mailing.Logs.Lines, l => l.Contains(token));
        Assert.Contains("e-mailed", (await client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people")).QuerySelector("#invitations")!.TextContent);

        var invitee = _mailing.App.CreateBrowserlessClient();
        var form = (await invitee.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#accept-form")!;
        var accepted = await invitee.SubmitAsync(form, new() { ["Input.DisplayName"] = "Mae Mailed", ["Input.Password"] = "Mailed!Pass2026" });

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await invitee.GetAsync("/content")).StatusCode);
        Assert.True(await _mailing.Seed.WithDbAsync(db => db.BusinessMembers.AnyAsync(m => m.BusinessId == admin.BusinessId && m.User!.Email == email && m.Role == MemberRole.Editor)));
    }

    [Fact]
    public async Task A_link_to_copy_replaces_the_e_mailed_one()
    {
        var admin = await _mailing.Seed.MemberAsync(MemberRole.Admin);
        var client = await _mailing.SignedInAsync(admin);
        var email = $"astray-{Guid.NewGuid():N}@team.example";
        var people = await client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        await client.SubmitAsync(people.QuerySelector<IHtmlFormElement>("#invite-form")!, new() { ["Invite.Email"] = email, ["Invite.Role"] = "Admin" });
        var mailed = LinkIn(await SmtpSink.WaitForMessageAsync(email), "/invitations/");

        var pending = await client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        var copy = pending.QuerySelector<IHtmlButtonElement>($"button[aria-label='New invitation link to copy for {email}']")!;
        var issued = await (await client.SubmitAsync((IHtmlFormElement)copy.Closest("form")!, new() { ["copy"] = "true" })).ParseAsync();
        var copied = new Uri(issued.QuerySelector<IHtmlInputElement>("#issued-link-url")!.Value).PathAndQuery;

        var anonymous = _mailing.App.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(mailed)).StatusCode);
        Assert.Contains("as an admin", (await anonymous.GetDocumentAsync(copied)).QuerySelector("#invitation-summary")!.TextContent);
        Assert.Single(await SmtpSink.MessagesToAsync(email));
    }

    [Fact]
    public async Task An_e_mailed_reset_link_sets_a_new_password()
    {
        var admin = await _mailing.Seed.MemberAsync(MemberRole.Admin);
        var client = await _mailing.SignedInAsync(admin);
        var people = await client.GetDocumentAsync($"/businesses/{admin.BusinessId}/people");
        var button = people.QuerySelector<IHtmlButtonElement>($"li[data-user='{admin.UserId}'] button[aria-label^='E-mail a password reset link']")!;

        var sent = await (await client.SubmitAsync((IHtmlFormElement)button.Closest("form")!, [])).ParseAsync();
        Assert.Contains(admin.Email, sent.QuerySelector("#people-sent")!.TextContent);
        var link = LinkIn(await SmtpSink.WaitForMessageAsync(admin.Email), "/account/reset?");

        var anonymous = _mailing.App.CreateBrowserlessClient();
        var form = (await anonymous.GetDocumentAsync(link)).QuerySelector<IHtmlFormElement>("#reset-form")!;
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SubmitAsync(form, new() { ["NewPassword"] = "Mailed!Reset2026" })).StatusCode);
        await _mailing.App.CreateBrowserlessClient().SignInAsync(admin.Email, "Mailed!Reset2026");
    }

    /// <summary>The path of the one link in the message's text that points at this app, starting with <paramref name="prefix"/>.</summary>
    private static string LinkIn(MimeMessage message, string prefix)
    {
        var match = Regex.Match(message.TextBody ?? "", Regex.Escape(MailingApp.PublicUrl) + @"(" + Regex.Escape(prefix) + @"\S+)");
        Assert.True(match.Success, "No link in: " + message.TextBody);
        return match.Groups[1].Value;
    }

    /// <summary>Every table and column of the app's database (Hangfire's job arguments included) whose text holds <paramref name="secret"/>.</summary>
    private async Task<List<string>> StoredAnywhereAsync(string secret)
    {
        var connectionString = await _mailing.Seed.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = new List<(string Schema, string Table, string Column)>();
        await using (var list = new NpgsqlCommand("""
            SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.data_type IN ('text', 'character varying', 'jsonb', 'json')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        var found = new List<string>();
        foreach (var (schema, table, column) in columns)
        {
            await using var probe = new NpgsqlCommand($"""SELECT EXISTS (SELECT 1 FROM "{schema}"."{table}" WHERE strpos("{column}"::text, @secret) > 0)""", connection);
            probe.Parameters.AddWithValue("secret", secret);
            if ((bool)(await probe.ExecuteScalarAsync())!)
            {
                found.Add($"{schema}.{table}.{column}");
            }
        }
        return found;
    }
}
