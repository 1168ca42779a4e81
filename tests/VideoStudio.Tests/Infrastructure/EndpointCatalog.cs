using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VideoStudio.Tests.Infrastructure;

/// <summary>One way to call the app: a method, a route pattern and, for Razor Pages, a named handler.</summary>
public sealed record AppEndpoint(string Method, string Pattern, string? Handler)
{
    public bool IsUnsafe => Method is not ("GET" or "HEAD" or "OPTIONS");

    /// <summary>The URL with the route's parameters filled in (unknown ones get a harmless value).</summary>
    public string Url(IReadOnlyDictionary<string, string> values)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(Pattern, @"\{\*{0,2}(\w+)[^}]*\}", m =>
            values.TryGetValue(m.Groups[1].Value, out var v) ? v : "x");
        path = "/" + path.TrimStart('/');
        var query = new List<string>();
        if (Handler is not null)
        {
            query.Add("handler=" + Handler);
        }
        foreach (var name in new[] { "slot", "assetId" })
        {
            if (!Pattern.Contains("{" + name) && values.TryGetValue(name, out var value))
            {
                query.Add(name + "=" + value);
            }
        }
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    public override string ToString() => $"{Method} {Pattern}{(Handler is null ? "" : "?handler=" + Handler)}";
}

/// <summary>Every endpoint the app maps, read from its own endpoint data source, so a new one cannot be forgotten by a test.</summary>
public static class EndpointCatalog
{
    public static async Task<IReadOnlyList<AppEndpoint>> AllAsync(IServiceProvider services)
    {
        var pageLoader = services.GetRequiredService<PageLoader>();
        var result = new List<AppEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var page = endpoint.Metadata.GetMetadata<PageActionDescriptor>();
            if (page is not null)
            {
                var compiled = await pageLoader.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods)
                {
                    result.Add(new AppEndpoint(handler.HttpMethod.ToUpperInvariant(), pattern, handler.Name));
                }
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            result.AddRange(methods.Select(m => new AppEndpoint(m.ToUpperInvariant(), pattern, null)));
        }
        return result.Distinct().ToList();
    }
}
