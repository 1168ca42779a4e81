using System.Net;
using System.Text;
using VideoStudio.Core;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Security;

/// <summary>
/// Every endpoint the app maps (read from its endpoint data source, so a new one is included by itself), sent what no
/// honest client sends: other methods, broken route values, bodies of the wrong shape or size, impossible ranges. Each
/// must answer with a 4xx (or a harmless 2xx/3xx), never a server error. The caller is a signed-in member, admin and site
/// admin with a valid antiforgery token, so every request reaches the handler.
/// </summary>
[Collection(MediaCollection.Name)]
public class FuzzTests
{
    private static readonly string[] Methods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"];

    private static readonly string[] BrokenIds = ["not-a-guid", Guid.Empty.ToString(), "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE%F0%9F%92%A9", new string('9', 400)];

    private static readonly string[] Ranges = ["bytes=999999999-", "bytes=abc", "bytes=5-1", "bytes=-0", "bytes=" + string.Join(',', Enumerable.Repeat("0-1", 500)), "items=0-1"];

    private static readonly string[] SignedWebhookBodies =
    [
        "{\"event_type\":5}",
        "{\"event_type\":\"avatar_video.success\",\"event_data\":[]}",
        "{\"event_type\":\"avatar_video.success\",\"event_data\":{\"callback_id\":\"not-a-guid\"}}",
        $"{{\"event_type\":\"avatar_video.success\",\"event_data\":{{\"callback_id\":\"{Guid.NewGuid()}\",\"video_id\":123}}}}",
        $"{{\"event_type\":\"avatar_video.fail\",\"event_data\":{{\"callback_id\":\"{Guid.NewGuid()}\",\"msg\":{{\"a\":1}}}}}}",
        "{\"event_type\":\"avatar_video.success\"," + new string(' ', 60_000) + "\"event_data\":{}}",
    ];

    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task No_malformed_request_to_any_endpoint_gets_a_server_error()
    {
        var member = await _app.CreateTenantAsync(MemberRole.Admin, siteAdmin: true);
        var heyGenKey = HeyGenSim.NewKey();
        await member.ConfigureHeyGenAsync(heyGenKey);
        var (webhookPath, webhookSecret) = await member.RegisterWebhookAsync(heyGenKey);
        var id = await member.CreateContentAsync();
        var page = await member.Client.GetDocumentAsync($"/content/{id}");
        var card = (await (await member.UploadAsync(page, id, "long", Videos.Mp4, "clip.mp4")).FragmentAsync()).Body!.FirstElementChild!;
        var values = new Dictionary<string, string>
        {
            ["id"] = id.ToString(),
            ["contentId"] = id.ToString(),
            ["generationId"] = Guid.NewGuid().ToString(),
            ["slot"] = "long",
            ["file"] = card.QuerySelector("video")!.GetAttribute("src")!["/media/".Length..],
            ["path"] = "stats",
            ["token"] = webhookPath.Split('/')[^1],
        };
        var token = page.AntiforgeryHeader();
        // Signing out would turn every later request into a redirect to the sign-in page.
        var endpoints = (await EndpointCatalog.AllAsync(_app.Services)).OrderBy(e => e.Pattern.Contains("logout")).ToList();
        Assert.Contains(endpoints, e => e.Pattern.Contains("webhooks"));
        Assert.Contains(endpoints, e => e.Pattern.Contains("media"));

        var serverErrors = new List<string>();
        async Task SendAsync(string what, HttpRequestMessage request)
        {
            request.Headers.TryAddWithoutValidation("RequestVerificationToken", token);
            request.Headers.TryAddWithoutValidation("HX-Request", "true");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var logged = _app.Logs.Lines.Count();
            using var response = await member.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if ((int)response.StatusCode >= 500)
            {
                // The app's own account of it (other tests log meanwhile, so the first error since the request).
                var error = _app.Logs.Lines.Skip(logged).FirstOrDefault(l => l.StartsWith("Error")) ?? "";
                serverErrors.Add($"{what}: {request.Method} {request.RequestUri} answered {(int)response.StatusCode} {error[..Math.Min(error.Length, 1500)]}");
            }
        }

        foreach (var endpoint in endpoints)
        {
            var url = endpoint.Url(values);
            foreach (var method in Methods)
            {
                await SendAsync($"{endpoint} as {method}", new HttpRequestMessage(new HttpMethod(method), url) { Content = method is "GET" or "HEAD" ? null : Form(("text", "x")) });
            }
            foreach (var name in values.Keys.Where(k => endpoint.Pattern.Contains("{" + k) || (k == "slot" && endpoint.Handler is not null)))
            {
                foreach (var broken in BrokenIds.Append(""))
                {
                    var brokenUrl = endpoint.Url(new Dictionary<string, string>(values) { [name] = broken });
                    await SendAsync($"{endpoint} with {name}={broken[..Math.Min(broken.Length, 20)]}", new HttpRequestMessage(new HttpMethod(endpoint.Method), brokenUrl) { Content = endpoint.IsUnsafe ? Form(("text", "x")) : null });
                }
            }
            await SendAsync($"{endpoint} with an unknown handler", new HttpRequestMessage(new HttpMethod(endpoint.Method), url.Contains("handler=") ? url.Replace("handler=" + endpoint.Handler, "handler=Nope") : url + (url.Contains('?') ? "&" : "?") + "handler=Nope"));
            if (endpoint.Method == "GET")
            {
                foreach (var range in Ranges)
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.TryAddWithoutValidation("Range", range);
                    request.Headers.TryAddWithoutValidation("If-None-Match", "garbage");
                    await SendAsync($"{endpoint} with Range {range[..Math.Min(range.Length, 20)]}", request);
                }
            }
            if (endpoint.IsUnsafe)
            {
                foreach (var (shape, body) in Bodies())
                {
                    await SendAsync($"{endpoint} with {shape}", new HttpRequestMessage(new HttpMethod(endpoint.Method), url) { Content = body });
                }
            }
            if (endpoint.Pattern.Contains("webhooks") && endpoint.Method == "POST")
            {
                foreach (var json in SignedWebhookBodies)
                {
                    var bytes = Encoding.UTF8.GetBytes(json);
                    var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
                    request.Headers.Add("Signature", SimulatedHeyGen.Sign(webhookSecret, bytes));
                    await SendAsync($"{endpoint} signed {json[..Math.Min(json.Length, 40)]}", request);
                }
            }
        }

        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} server errors:\n" + string.Join("\n", serverErrors));
    }

    private static IEnumerable<(string Shape, HttpContent Body)> Bodies()
    {
        yield return ("a 5 MB form field", Form(("text", new string('a', 5 * 1024 * 1024)), ("baseHash", "")));
        yield return ("2,000 form fields", Form(Enumerable.Range(0, 2000).Select(i => ($"f{i}", "x")).ToArray()));
        yield return ("a repeated field", Form(("text", "one"), ("text", "two"), ("baseHash", "zz")));
        yield return ("broken form encoding", new StringContent("%zz=%%&text=%E0%A4%A", Encoding.ASCII, "application/x-www-form-urlencoded"));
        yield return ("a JSON array", Json("[]"));
        yield return ("a JSON string", Json("\"text\""));
        yield return ("a JSON object of the wrong shape", Json("{\"text\":{\"a\":[1]},\"slot\":7}"));
        yield return ("broken JSON", Json("{\"text\":"));
        yield return ("a multipart body without a file", Multipart(new StringContent("x"), "text", null));
        yield return ("a multipart file of garbage", Multipart(new ByteArrayContent(Encoding.ASCII.GetBytes("not a video at all")), "file", "clip.mp4"));
        yield return ("a multipart type without a boundary", new StringContent("--x\r\n\r\n", Encoding.ASCII, "multipart/form-data"));
        yield return ("no content type", new ByteArrayContent([1, 2, 3]));
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static MultipartFormDataContent Multipart(HttpContent part, string name, string? fileName)
    {
        var multipart = new MultipartFormDataContent();
        if (fileName is null)
        {
            multipart.Add(part, name);
        }
        else
        {
            multipart.Add(part, name, fileName);
        }
        return multipart;
    }
}
