using Microsoft.AspNetCore.Mvc.RazorPages;

namespace VideoStudio.Web.Pages.Bench;

/// <summary>
/// bench/run.sh's yardstick for page renders (like TechEmpower's Fortunes): <c>/bench/baseline/{id}</c> does the least any
/// signed-in page here does — the same middleware (cookie and session check, antiforgery token in the layout), one indexed
/// query, the layout — so the content page is compared with what a page of this app costs at all, not with a static file.
/// Only with <c>Studio:Bench:BaselinePage=true</c>; otherwise the page has no route.
/// </summary>
public static class BenchBaseline
{
    public const string Setting = "Studio:Bench:BaselinePage";

    public static WebApplicationBuilder AddBenchBaseline(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<bool>(Setting))
        {
            builder.Services.Configure<RazorPagesOptions>(o =>
                o.Conventions.AddPageRouteModelConvention("/Bench/Baseline", model => model.Selectors.Clear()));
        }
        return builder;
    }
}
