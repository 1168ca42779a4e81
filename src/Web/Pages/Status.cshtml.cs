using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace VideoStudio.Web.Pages;

/// <summary>The page for an answer without a body of its own: an unknown URL, or a page the user may not open.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public class StatusModel : PageModel
{
    public string Heading { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public void OnGet(int code)
    {
        // Reached directly (the sign-in's access-denied redirect), the page answers with the status it describes.
        if (HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null)
        {
            Response.StatusCode = code is StatusCodes.Status403Forbidden ? code : StatusCodes.Status404NotFound;
        }
        (Heading, Explanation) = Response.StatusCode switch
        {
            StatusCodes.Status403Forbidden => ("You do not have access to this page",
                "This page is for site administrators. If you need it, ask one of them; everything else in VideoStudio is still yours to use."),
            StatusCodes.Status404NotFound => ("Page not found",
                "There is nothing at this address, or it belongs to a business you are not a member of. Check the link, or go back to your content."),
            _ => ("This request could not be answered", "Go back and try again."),
        };
    }
}

public static class StatusPages
{
    /// <summary>
    /// Styled pages for bodiless 4xx answers to pages a person opened. Not for htmx requests (a page inside a card helps
    /// nobody; htmx gets the bare status) or for anything but GET, which the re-executed page could not answer.
    /// </summary>
    public static WebApplication UseStatusPages(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.Use((context, next) =>
        {
            if ((!HttpMethods.IsGet(context.Request.Method) || context.Request.Headers.ContainsKey("HX-Request"))
                && context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }
            return next(context);
        });
        return app;
    }
}
