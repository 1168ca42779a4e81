using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace VideoStudio.Web.Security;

/// <summary>
/// When no handler of a page matches (a PUT, a POST to a page that only has named handlers, ?handler=Nope), Razor Pages
/// renders the page without running any handler, over a model nothing has loaded, which threw (500). That is a request
/// for something that is not there: 404 for an unknown handler name, otherwise 405.
/// </summary>
public sealed class UnknownHandlerFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // The error page is re-executed with the failed request's method, whatever handlers it has.
        var errorPage = context.HttpContext.Features.Get<IExceptionHandlerFeature>() is not null;
        if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0 && !errorPage)
        {
            var request = context.HttpContext.Request;
            var namedHandler = request.Query.ContainsKey("handler") || context.RouteData.Values.ContainsKey("handler");
            context.Result = namedHandler
                ? new NotFoundResult()
                : new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }
        await next();
    }
}
