using MimeKit;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>
/// The real SMTP server ./test.sh starts on loopback (VIDEOSTUDIO_SMTP_SINK): every message it receives lands as a file in its
/// Maildir (VIDEOSTUDIO_SMTP_MAILDIR), which this reads back as the recipient would.
/// </summary>
public static class SmtpSink
{
    public static string Address => Environment.GetEnvironmentVariable("VIDEOSTUDIO_SMTP_SINK")
        ?? throw new InvalidOperationException("VIDEOSTUDIO_SMTP_SINK is not set: run the tests with ./test.sh, which starts the SMTP sink.");

    public static string Host => Address.Split(':')[0];

    public static int Port => int.Parse(Address.Split(':')[1]);

    private static string Maildir => Environment.GetEnvironmentVariable("VIDEOSTUDIO_SMTP_MAILDIR")
        ?? throw new InvalidOperationException("VIDEOSTUDIO_SMTP_MAILDIR is not set: run the tests with ./test.sh, which starts the SMTP sink.");

    /// <summary>The messages sent to <paramref name="recipient"/> so far, oldest first.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> MessagesToAsync(string recipient)
    {
        var messages = new List<MimeMessage>();
        foreach (var file in new[] { "new", "cur" }.Select(d => Path.Combine(Maildir, d)).Where(Directory.Exists).SelectMany(Directory.GetFiles))
        {
            var message = await MimeMessage.LoadAsync(file);
            if (message.To.Mailboxes.Any(m => string.Equals(m.Address, recipient, StringComparison.OrdinalIgnoreCase)))
            {
                messages.Add(message);
            }
        }
        return messages.OrderBy(m => m.Date).ToList();
    }

    /// <summary>Waits for the <paramref name="count"/>th message to <paramref name="recipient"/>: the mail job runs in the background.</summary>
    public static async Task<MimeMessage> WaitForMessageAsync(string recipient, int count = 1)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var messages = await MessagesToAsync(recipient);
            if (messages.Count >= count)
            {
                return messages[count - 1];
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No message number {count} to {recipient} reached the SMTP sink within a minute.");
            }
        }
    }
}
