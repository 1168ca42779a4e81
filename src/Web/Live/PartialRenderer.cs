using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace VideoStudio.Web.Live;

/// <summary>
/// Renders a Razor partial to a string outside any request (the pattern of aspnet/Entropy samples/Mvc.RenderViewToString), for
/// sending over streams: what a stream shows carries nothing of its viewer, so one render serves every viewer, and no stream
/// lends its own HttpContext to a render that may outlive it.
/// </summary>
public sealed class PartialRenderer(
    IRazorViewEngine views, ITempDataProvider tempData, IModelMetadataProvider metadata, IServiceScopeFactory scopes, IMeterFactory meters)
{
    public const string MeterName = "VideoStudio.Live";

    /// <summary>The endpoint the partials' URL helpers see: any endpoint makes them generate links from the route table.</summary>
    private static readonly Endpoint RenderEndpoint = new(null, EndpointMetadataCollection.Empty, "live partial render");

    /// <summary>Renders per partial: with many viewers of one item, one per change says the render is shared.</summary>
    private readonly Counter<long> _renders = meters.Create(MeterName).CreateCounter<long>("videostudio.live.renders", description: "Partials rendered for live streams");

    public async Task<string> RenderAsync<TModel>(string viewPath, TModel model)
    {
        _renders.Add(1, new KeyValuePair<string, object?>("view", viewPath));
        var found = views.GetView(executingFilePath: null, viewPath, isMainPage: false);
        if (!found.Success)
        {
            throw new InvalidOperationException($"No partial at {viewPath}; searched {string.Join(", ", found.SearchedLocations)}.");
        }
        // Razor leases its view buffers from the request's service scope and returns them when that scope ends.
        await using var scope = scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.SetEndpoint(RenderEndpoint);
        await using var writer = new StringWriter();
        var viewContext = new ViewContext(
            new ActionContext(context, new RouteData(), new ActionDescriptor()),
            found.View,
            new ViewDataDictionary<TModel>(metadata, new ModelStateDictionary()) { Model = model },
            new TempDataDictionary(context, tempData),
            writer,
            new HtmlHelperOptions());
        await found.View.RenderAsync(viewContext);
        return writer.ToString();
    }
}
