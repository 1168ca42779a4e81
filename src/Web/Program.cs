using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs;
using VideoStudio.Web.Api;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Health;
using VideoStudio.Web.Jobs;
using VideoStudio.Web.Live;
using VideoStudio.Web.Mail;
using VideoStudio.Web.Media;
using VideoStudio.Web.Pages;
using VideoStudio.Web.Pages.Content;
using VideoStudio.Web.Security;
using VideoStudio.Web.Seed;
using VideoStudio.Web.Webhooks;

// ./run.sh's first start: a self-signed certificate for the key ring (see KeyRing), made with nothing but .NET.
if (args is [KeyRing.CreateCertificateVerb, var certificatePath])
{
    KeyRing.WriteSelfSignedCertificate(certificatePath);
    return;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // The web root is the repository's top-level wwwroot, shared by every host of the app.
    WebRootPath = Path.Combine("..", "..", "wwwroot"),
});
var roles = StudioRoles.Of(builder);

// Moving to object storage: copies the local media folder into the blob container, again as often as needed (see MediaCopy).
if (args is [MediaCopy.Verb])
{
    Environment.ExitCode = await MediaCopy.RunAsync(builder.Configuration, Console.Out, CancellationToken.None);
    return;
}

builder.AddStudioData();
builder.AddStudioMedia();
builder.AddStudioAuth();
builder.AddStudioMail();
builder.AddLive();
builder.AddContentFeature();
builder.AddStudioApi();
builder.AddStudioHealth();
builder.AddStudioJobs();
builder.AddHeyGenSimulator();
builder.AddStudioSecurity();
builder.Services.AddRazorPages();

var app = builder.Build();

await app.PrepareDatabaseAsync();

app.UseStudioSecurity();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}
app.UseStatusPages();
app.UseHttpLogging();
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseStudioApi();

app.MapStudioHealth();
// A worker-only process (Studio:ServePages=false) answers health checks and runs jobs, nothing else.
if (roles.ServePages)
{
    app.MapRazorPages();
    app.MapContentEvents();
    app.MapResumableUploads();
    app.MapStudioApi();
    app.MapMedia();
    app.MapHeyGenWebhook();
    app.MapJobsDashboard();
    app.MapHeyGenSimulator();
}

app.Run();
