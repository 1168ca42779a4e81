using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using VideoStudio.Web.Pages.Account;
using VideoStudio.Web.Pages.Invitations;
using VideoStudio.Web.Security;

namespace VideoStudio.Web.Mail;

public sealed class SmtpOptions
{
    public const string Section = "Studio:Smtp";

    /// <summary>Without a host nothing is e-mailed: invitation and reset links are shown to copy instead.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>TLS is required by default, so the links (and the password below) never cross the network in clear by accident.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>VideoStudio &lt;studio@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>Sends the app's few e-mails (invitations, reset links) through the configured SMTP server with MailKit.</summary>
public sealed class Mailer(IOptions<SmtpOptions> options, IConfiguration configuration)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>An absolute link for an e-mail: there is no request to take an address from, so it is Studio:PublicUrl's.</summary>
    public string LinkTo(string pathAndQuery) => configuration[ReverseProxy.PublicUrlKey]!.TrimEnd('/') + pathAndQuery;

    public async Task SendAsync(string to, string subject, string text, CancellationToken ct)
    {
        var o = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From!));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = text };

        using var smtp = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        await smtp.ConnectAsync(o.Host!, o.Port, o.Security, ct);
        if (!string.IsNullOrEmpty(o.UserName))
        {
            await smtp.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
        }
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }
}

public static class MailExtensions
{
    public static WebApplicationBuilder AddStudioMail(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SmtpOptions.Section);
        var smtp = section.Get<SmtpOptions>() ?? new SmtpOptions();
        if (smtp.IsConfigured)
        {
            // Refused at start rather than at the first invitation, when nobody is watching the log.
            if (!MailboxAddress.TryParse(smtp.From, out _))
            {
                throw new InvalidOperationException($"{SmtpOptions.Section}:From must be a sender address such as \"VideoStudio <studio@example.com>\" when {SmtpOptions.Section}:Host is set.");
            }
            if (string.IsNullOrEmpty(builder.Configuration[ReverseProxy.PublicUrlKey]))
            {
                throw new InvalidOperationException($"{ReverseProxy.PublicUrlKey} must be set when {SmtpOptions.Section}:Host is set: e-mailed links are built from it.");
            }
        }
        builder.Services.Configure<SmtpOptions>(section);
        builder.Services.AddSingleton<Mailer>();
        builder.Services.AddScoped<InvitationMailJob>();
        builder.Services.AddScoped<ResetMailJob>();
        return builder;
    }
}
