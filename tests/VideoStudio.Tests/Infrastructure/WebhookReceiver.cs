using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>A webhook receiver on a loopback port: it keeps every request and answers with the next status queued (200 when none).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(IHeaderDictionary Headers, string Body);

    private readonly WebApplication _app;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentQueue<int> Answers { get; } = new();
    public string Url { get; }

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            receiver!.Requests.Enqueue(new Received(new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value)), body));
            return Results.StatusCode(receiver.Answers.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver = new WebhookReceiver(app, address + "/hook");
        return receiver;
    }

    /// <summary>Waits for the <paramref name="count"/>th request: a worker's job sends it in the background.</summary>
    public async Task<Received> WaitForRequestAsync(int count = 1)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            if (Requests.Count >= count)
            {
                return Requests.ElementAt(count - 1);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Request number {count} did not reach the receiver within a minute.");
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
