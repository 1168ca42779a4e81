using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>A Create Video event stream read the way htmx's SSE extension reads it: named events, each one card's HTML.</summary>
public sealed class CardStream : IAsyncDisposable
{
    private static readonly HtmlParser Parser = new();

    // A stream that stops delivering fails the test instead of hanging the run.
    private readonly CancellationTokenSource _giveUp = new(TimeSpan.FromSeconds(60));
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private CardStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _events = SseParser.Create(body, (_, data) => Encoding.UTF8.GetString(data)).EnumerateAsync(_giveUp.Token).GetAsyncEnumerator(_giveUp.Token);
    }

    public HttpResponseMessage Response => _response;

    public static Task<CardStream> OpenAsync(HttpClient client, Guid contentId) => OpenAsync(client, $"/content/{contentId}/events");

    /// <summary>Asks as a browser's EventSource does (Accept: text/event-stream), which decides how a refusal is answered.</summary>
    public static async Task<CardStream> OpenAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new CardStream(response, await response.Content.ReadAsStreamAsync());
    }

    public async Task<SseItem<string>> NextAsync()
    {
        Assert.True(await _events.MoveNextAsync(), "The stream ended.");
        return _events.Current;
    }

    /// <summary>Reads until the stream's last word, the ended event (skipping what comes before), and checks that nothing follows it.</summary>
    public async Task<IElement> EndedAsync()
    {
        while (true)
        {
            var item = await NextAsync();
            if (item.EventType == "ended")
            {
                Assert.False(await _events.MoveNextAsync(), "The stream went on after its ended event.");
                return Parse(item.Data);
            }
        }
    }

    /// <summary>Reads until the server ends the stream; fails if it is still open when the stream's time is up.</summary>
    public async Task EndAsync()
    {
        while (await _events.MoveNextAsync())
        {
        }
    }

    /// <summary>The next card event, skipping heartbeats, parsed to its root element.</summary>
    public async Task<(string EventType, IElement Card)> NextCardAsync()
    {
        while (true)
        {
            var item = await NextAsync();
            if (item.EventType != "heartbeat")
            {
                return (item.EventType, Parse(item.Data));
            }
        }
    }

    /// <summary>
    /// Reads card events until one for <paramref name="domId"/> matches; earlier states may be skipped by the server, as designed.
    /// <paramref name="eachCard"/> sees every card read on the way, of either slot.
    /// </summary>
    public async Task<IElement> CardWhenAsync(string domId, Func<IElement, bool> match, Action<IElement>? eachCard = null)
    {
        while (true)
        {
            var (eventType, card) = await NextCardAsync();
            Assert.Equal(eventType, card.Id);
            eachCard?.Invoke(card);
            if (eventType == domId && match(card))
            {
                return card;
            }
        }
    }

    public static IElement Parse(string html)
    {
        var document = Parser.ParseDocument("<!DOCTYPE html><html><body>" + html + "</body></html>");
        Assert.Equal(1, document.Body!.ChildElementCount);
        return document.Body.FirstElementChild!;
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        _response.Dispose();
        _giveUp.Dispose();
    }
}
