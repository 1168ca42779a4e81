using AngleSharp.Dom;
using System.Net;
using System.Text.Json;
using AngleSharp;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace VideoStudio.TestSupport;

/// <summary>Requests made the way the browser makes them: real forms with their antiforgery token, htmx posts with the token from body[hx-headers].</summary>
public static class HttpClientExtensions
{
    private static readonly HtmlParser Parser = new();

    public static async Task<IHtmlDocument> GetDocumentAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        return await response.ParseAsync();
    }

    public static async Task<IHtmlDocument> ParseAsync(this HttpResponseMessage response) =>
        await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());

    /// <summary>Signs in through the sign-in form; the client keeps the cookie.</summary>
    public static async Task SignInAsync(this HttpClient client, string email, string password) =>
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitSignInAsync(email, password)).StatusCode);

    /// <summary>Fills in and submits the sign-in form found at <paramref name="loginUrl"/>, whatever the outcome.</summary>
    public static async Task<HttpResponseMessage> SubmitSignInAsync(this HttpClient client, string email, string password, string loginUrl = "/account/login")
    {
        var page = await client.GetDocumentAsync(loginUrl);
        return await client.SubmitAsync(page.QuerySelector<IHtmlFormElement>("#sign-in-form")!, new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
    }

    /// <summary>Submits a parsed form with its own hidden fields (antiforgery included), overriding the given fields.</summary>
    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, IHtmlFormElement form, Dictionary<string, string> fields)
    {
        // As a browser does: unchecked boxes and radios send nothing, and the first field of a name counts here.
        var values = form.Elements.OfType<IHtmlInputElement>()
            .Where(i => !string.IsNullOrEmpty(i.Name) && i.Type != "submit" && (i.Type is not ("checkbox" or "radio") || i.IsChecked))
            .GroupBy(i => i.Name!)
            .ToDictionary(g => g.Key, g => g.First().Value);
        foreach (var textarea in form.Elements.OfType<IHtmlTextAreaElement>().Where(t => !string.IsNullOrEmpty(t.Name)))
        {
            values[textarea.Name!] = textarea.Value;
        }
        foreach (var (key, value) in fields)
        {
            values[key] = value;
        }
        var action = form.GetAttribute("action");
        Assert.False(string.IsNullOrEmpty(action), "The form has no action; a parsed fragment cannot know where it posts.");
        return client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    public static string AntiforgeryHeader(this IHtmlDocument page)
    {
        var headers = page.Body!.GetAttribute("hx-headers")!;
        return JsonDocument.Parse(headers).RootElement.GetProperty("RequestVerificationToken").GetString()!;
    }

    /// <summary>A POST as htmx sends it from a page: HX-Request plus the token header.</summary>
    public static Task<HttpResponseMessage> HtmxPostAsync(this HttpClient client, IHtmlDocument page, string url, HttpContent? content = null, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content ?? new FormUrlEncodedContent([]) };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("RequestVerificationToken", page.AntiforgeryHeader());
        return client.SendAsync(request, ct);
    }

    public static async Task<IHtmlDocument> FragmentAsync(this HttpResponseMessage response) =>
        await Parser.ParseDocumentAsync("<!DOCTYPE html><html><body>" + await response.Content.ReadAsStringAsync() + "</body></html>");

    /// <summary>
    /// Signs in through the form with no cookie jar (the client must not handle cookies) and returns the Set-Cookie line of
    /// the session cookie, attributes included; <paramref name="decorate"/> adds headers to both requests, as a proxy would.
    /// </summary>
    public static async Task<string> SignInForSessionCookieAsync(this HttpClient client, string email, string password, Action<HttpRequestMessage>? decorate = null)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        decorate?.Invoke(get);
        var login = await client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var antiforgeryCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery")).Split(';')[0];
        var form = (await login.ParseAsync()).QuerySelector<IHtmlFormElement>("#sign-in-form")!;
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = email,
                ["Input.Password"] = password,
                ["__RequestVerificationToken"] = form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value,
            }),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        decorate?.Invoke(post);
        var signedIn = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("videostudio.auth="));
    }

    /// <summary>Path and query of a Location header, whether the app sent it relative or absolute (from Studio:PublicUrl).</summary>
    public static string PathAndQueryOf(this Uri location) => location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
}
