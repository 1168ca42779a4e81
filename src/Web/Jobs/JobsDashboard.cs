using Hangfire;
using Hangfire.Dashboard;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Jobs;

public static class JobsDashboard
{
    public const string Path = "/hangfire";

    /// <summary>
    /// Hangfire's dashboard at /hangfire for site admins. Its default filter lets in any loopback request, which behind a
    /// same-host proxy is everyone, so both the endpoint policy and an explicit filter check the site_admin claim.
    /// </summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new SiteAdminsOnly()],
            DashboardTitle = "VideoStudio jobs",
            AppPath = "/content",
            DisplayStorageConnectionString = false,
        }).RequireAuthorization(AuthExtensions.SiteAdminPolicy)
            .Add(endpoint => endpoint.RequestDelegate = RefuseMalformedStats(endpoint.RequestDelegate!));
        return app;
    }

    /// <summary>
    /// Hangfire answers its stats URL to any method and reads a form from the request without checking there is one, so
    /// anything but its own form POST threw (500).
    /// </summary>
    private static RequestDelegate RefuseMalformedStats(RequestDelegate hangfire) => async http =>
    {
        if (!http.Request.Path.Equals(Path + "/stats", StringComparison.OrdinalIgnoreCase))
        {
            await hangfire(http);
            return;
        }
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.Headers.Allow = HttpMethods.Post;
            await Results.Text("The dashboard's statistics are read with POST.", statusCode: StatusCodes.Status405MethodNotAllowed).ExecuteAsync(http);
            return;
        }
        if (!http.Request.HasFormContentType)
        {
            await Results.Text("The dashboard's statistics are asked for with a form.", statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(http);
            return;
        }
        try
        {
            await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            await Results.Text("The form could not be read.", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(http);
            return;
        }
        await hangfire(http);
    };

    private sealed class SiteAdminsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.HasClaim(AuthExtensions.SiteAdminClaim, "true");
    }
}
