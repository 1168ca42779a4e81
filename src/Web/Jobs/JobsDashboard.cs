using Hangfire;
using Hangfire.Dashboard;
using VideoStudio.Web.Auth;

namespace VideoStudio.Web.Jobs;

public static class JobsDashboard
{
    /// <summary>
    /// Hangfire's dashboard at /hangfire for site admins. Its default filter lets in any loopback request, which behind a
    /// same-host proxy is everyone, so both the endpoint policy and an explicit filter check the site_admin claim.
    /// </summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new SiteAdminsOnly()],
            DashboardTitle = "VideoStudio jobs",
            AppPath = "/content",
            DisplayStorageConnectionString = false,
        }).RequireAuthorization(AuthExtensions.SiteAdminPolicy);
        return app;
    }

    private sealed class SiteAdminsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.HasClaim(AuthExtensions.SiteAdminClaim, "true");
    }
}
