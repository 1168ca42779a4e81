using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace VideoStudio.Web.Security;

/// <summary>
/// Requests a page cannot serve, answered before a handler runs over half-bound values (each of these threw, 500):
/// <list type="bullet">
/// <item>no handler of the page matches (a PUT, a POST to a page that only has named handlers, ?handler=Nope): Razor Pages
/// would render the page over a model nothing has loaded. 404 for an unknown handler name, otherwise 405.</item>
/// <item>the body claims to be a form but cannot be read (a multipart type without a boundary, a broken multipart body):
/// MVC records that quietly and binds nothing, not even the route values, so a handler would see a null id. 400.</item>
/// </list>
/// </summary>
public sealed class PageRequestFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // The error page is re-executed with the failed request's method, whatever handlers it has.
        var errorPage = context.HttpContext.Features.Get<IExceptionHandlerFeature>() is not null;
        if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0 && !errorPage)
        {
            var namedHandler = context.HttpContext.Request.Query.ContainsKey("handler") || context.RouteData.Values.ContainsKey("handler");
            context.Result = namedHandler ? new NotFoundResult() : new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }
        // Only an unreadable body puts an error on the model as a whole before any handler has run.
        if (context.ModelState.TryGetValue("", out var whole) && whole.Errors.Count > 0)
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status400BadRequest,
                ContentType = "text/plain; charset=utf-8",
                Content = "The request's form could not be read. Reload the page and send it again.",
            };
            return;
        }
        await next();
    }
}
