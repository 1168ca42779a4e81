using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace VideoStudio.Web.Live;

/// <summary>
/// Renders a Razor partial to a string in a given request's own HttpContext (its user, its URLs), for sending over a stream
/// (the pattern of aspnet/Entropy samples/Mvc.RenderViewToString).
/// </summary>
public sealed class PartialRenderer(
    IRazorViewEngine views, ITempDataProvider tempData, IModelMetadataProvider metadata, IServiceScopeFactory scopes)
{
    public async Task<string> RenderAsync<TModel>(HttpContext context, string viewPath, TModel model)
    {
        var found = views.GetView(executingFilePath: null, viewPath, isMainPage: false);
        if (!found.Success)
        {
            throw new InvalidOperationException($"No partial at {viewPath}; searched {string.Join(", ", found.SearchedLocations)}.");
        }
        // Razor leases its view buffers from the request's service scope and returns them when that scope ends. A stream's
        // request lasts for hours, so each render runs in a scope of its own that gives them back at once.
        var requestServices = context.RequestServices;
        await using var renderScope = scopes.CreateAsyncScope();
        context.RequestServices = renderScope.ServiceProvider;
        await using var writer = new StringWriter();
        try
        {
            var viewContext = new ViewContext(
                new ActionContext(context, context.GetRouteData(), new ActionDescriptor()),
                found.View,
                new ViewDataDictionary<TModel>(metadata, new ModelStateDictionary()) { Model = model },
                new TempDataDictionary(context, tempData),
                writer,
                new HtmlHelperOptions());
            await found.View.RenderAsync(viewContext);
        }
        finally
        {
            context.RequestServices = requestServices;
            // The URL helper caches itself in HttpContext.Items holding the first render's ViewContext (writer included),
            // which would stay alive for the whole stream.
            context.Items.Remove(typeof(IUrlHelper));
        }
        return writer.ToString();
    }
}
