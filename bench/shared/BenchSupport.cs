using System.Net;
using System.Text.RegularExpressions;
using Npgsql;

namespace VideoStudio.Bench;

/// <summary>What the benchmark programs share: signing in through the real form, a LISTEN loop, percentiles and the machine's load.</summary>
static class BenchSupport
{
    // Other work on the machine skews every figure; printed so a reader can tell.
    public static string LoadAverage() => "load average " + string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static double Percentile(IEnumerable<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1];
    }

    /// <summary>Signs in through the login form; returns the Cookie header of the signed-in session.</summary>
    public static async Task<string> SignInAsync(HttpClient http, string email, string password)
    {
        var page = await http.GetAsync("/account/login");
        var antiforgeryCookie = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var html = await page.Content.ReadAsStringAsync();
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"");
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = email,
                ["Input.Password"] = password,
                ["__RequestVerificationToken"] = token.Groups[1].Success ? token.Groups[1].Value : token.Groups[2].Value,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);
        var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Redirect || !response.Headers.TryGetValues("Set-Cookie", out var set))
        {
            throw new InvalidOperationException($"Sign-in as {email} failed with {(int)response.StatusCode}; is the demo data seeded?");
        }
        return string.Join("; ", set.Select(c => c.Split(';')[0]));
    }

    /// <summary>LISTENs on the channels, then reads the connection until stopped, so its Notification event fires as notices arrive.</summary>
    public static async Task<Task> ListenAsync(NpgsqlConnection connection, CancellationToken stop, params string[] channels)
    {
        await using (var command = new NpgsqlCommand(string.Join("; ", channels.Select(c => $"LISTEN {c}")), connection))
        {
            await command.ExecuteNonQueryAsync(stop);
        }
        return Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }
}
