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
public sealed class PartialRenderer(IRazorViewEngine views, ITempDataProvider tempData, IModelMetadataProvider metadata)
{
    public async Task<string> RenderAsync<TModel>(HttpContext context, string viewPath, TModel model)
    {
        var found = views.GetView(executingFilePath: null, viewPath, isMainPage: false);
        if (!found.Success)
        {
            throw new InvalidOperationException($"No partial at {viewPath}; searched {string.Join(", ", found.SearchedLocations)}.");
        }
        var actionContext = new ActionContext(context, context.GetRouteData(), new ActionDescriptor());
        await using var writer = new StringWriter();
        var viewContext = new ViewContext(
            actionContext,
            found.View,
            new ViewDataDictionary<TModel>(metadata, new ModelStateDictionary()) { Model = model },
            new TempDataDictionary(context, tempData),
            writer,
            new HtmlHelperOptions());
        await found.View.RenderAsync(viewContext);
        return writer.ToString();
    }
}
