using VideoStudio.Core.Data;
using VideoStudio.Core.Media;
using VideoStudio.Web.Auth;
using VideoStudio.Web.Media;
using VideoStudio.Web.Pages.Content;
using VideoStudio.Web.Seed;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // The web root is the repository's top-level wwwroot, shared by every host of the app.
    WebRootPath = Path.Combine("..", "..", "wwwroot"),
});

builder.AddStudioData();
builder.AddStudioMedia();
builder.AddStudioAuth();
builder.AddContentFeature();
builder.Services.AddRazorPages();

var app = builder.Build();

await app.PrepareDatabaseAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapRazorPages();
app.MapMedia();

app.Run();
