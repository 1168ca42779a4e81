using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Pages.Businesses;

public class IndexTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    [Fact]
    public async Task A_new_business_needs_a_free_name_and_a_valid_admin_address_and_nothing_is_created_until_then()
    {
        var siteAdmin = await _app.CreateTenantAsync(siteAdmin: true);
        var taken = await _app.WithDbAsync(db => db.Businesses.Where(b => b.Id == siteAdmin.BusinessId).Select(b => b.Name).SingleAsync());
        var name = $"Harbour Fish {Guid.NewGuid():N}";
        var form = (await siteAdmin.Client.GetDocumentAsync("/businesses")).QuerySelector<IHtmlFormElement>("#create-business-form")!;

        foreach (var (fields, field, expected) in new (Dictionary<string, string>, string, string)[]
        {
            (new() { ["Create.Name"] = "   " }, "#create-name-error", "Enter the business's name."),
            (new() { ["Create.Name"] = new string('b', 201) }, "#create-name-error", "200 characters"),
            (new() { ["Create.Name"] = taken.ToUpperInvariant() }, "#create-name-error", "already exists"),
            (new() { ["Create.Name"] = name, ["Create.AdminEmail"] = "boss-at-harbour" }, "#create-email-error", "name@example.com"),
        })
        {
            var response = await siteAdmin.Client.SubmitAsync(form, fields);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ParseAsync();
            Assert.Contains(expected, page.QuerySelector(field)!.TextContent);
            Assert.Null(page.QuerySelector("#business-created"));
        }
        Assert.False(await _app.WithDbAsync(db => db.Businesses.AnyAsync(b => b.Name == name)));
        Assert.False(await _app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.Email == "boss-at-harbour")));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Businesses.CountAsync(b => b.Name.ToLower() == taken.ToLower())));

        var created = await (await siteAdmin.Client.SubmitAsync(form, new() { ["Create.Name"] = name, ["Create.AdminEmail"] = "boss@harbour.example" })).ParseAsync();
        Assert.NotNull(created.QuerySelector("#issued-link-url"));
        Assert.True(await _app.WithDbAsync(db => db.Businesses.AnyAsync(b => b.Name == name)));
    }

    [Fact]
    public async Task Only_an_existing_account_can_be_made_site_admin()
    {
        var siteAdmin = await _app.CreateTenantAsync(siteAdmin: true);
        var form = (await siteAdmin.Client.GetDocumentAsync("/businesses")).QuerySelector<IHtmlFormElement>("#promote-form")!;

        var page = await (await siteAdmin.Client.SubmitAsync(form, new() { ["PromoteEmail"] = "nobody-here@test.example" })).ParseAsync();

        Assert.Contains("No account has that e-mail address", page.QuerySelector("#promote-email-error")!.TextContent);
        Assert.Equal("nobody-here@test.example", page.QuerySelector<IHtmlInputElement>("#promote-email")!.Value);
    }
}
