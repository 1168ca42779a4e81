using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VideoStudio.Core;
using VideoStudio.Core.Data;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs.HeyGen;

namespace VideoStudio.Web.Seed;

/// <summary>The demo businesses, users and content of ./run.sh. Safe to run on every start.</summary>
public static class DemoData
{
    public static readonly Guid BusinessA = Guid.Parse("a0000000-0000-4000-8000-00000000000a");
    public static readonly Guid BusinessB = Guid.Parse("b0000000-0000-4000-8000-00000000000b");

    public sealed record DemoLogin(string Email, string Password, string Description);

    public static readonly DemoLogin Editor = new("editor@northwind.demo", "Editor!2026", "editor of Northwind Bakery (HeyGen via the offline simulator)");
    public static readonly DemoLogin Admin = new("admin@contoso.demo", "Admin!2026", "admin of Contoso Fitness (HeyGen not configured yet)");
    public static readonly DemoLogin SiteAdmin = new("siteadmin@videostudio.demo", "SiteAdmin!2026", "site admin (Hangfire dashboard, metrics)");

    public static readonly DemoLogin[] Logins = [Editor, Admin, SiteAdmin];

    public static async Task SeedAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<StudioDb>();
        var users = services.GetRequiredService<UserManager<StudioUser>>();

        var editor = await EnsureUserAsync(users, Editor, "Erin Editor", siteAdmin: false);
        var admin = await EnsureUserAsync(users, Admin, "Adam Admin", siteAdmin: false);
        await EnsureUserAsync(users, SiteAdmin, "Sam Siteadmin", siteAdmin: true);

        if (await db.Businesses.AnyAsync(b => b.Id == BusinessA))
        {
            await EnsureHeyGenAsync(db, services.GetRequiredService<HeyGenSecrets>());
            return;
        }

        var now = DateTimeOffset.UtcNow;
        db.Businesses.Add(new Business { Id = BusinessA, Name = "Northwind Bakery" });
        db.Businesses.Add(new Business { Id = BusinessB, Name = "Contoso Fitness" });
        db.BusinessMembers.Add(new BusinessMember { BusinessId = BusinessA, UserId = editor.Id, Role = MemberRole.Editor });
        db.BusinessMembers.Add(new BusinessMember { BusinessId = BusinessB, UserId = admin.Id, Role = MemberRole.Admin });

        foreach (var (business, title, main, shortScript) in Items)
        {
            db.Content.Add(new Content
            {
                Id = Guid.NewGuid(),
                BusinessId = business,
                Title = title,
                VideoScript = main,
                ShortVideoScript = shortScript,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync();
        await EnsureHeyGenAsync(db, services.GetRequiredService<HeyGenSecrets>());
    }

    /// <summary>
    /// Business A talks to the offline simulator that ./run.sh enables (any key works there; this one is still stored
    /// encrypted like a real one). Business B stays unconfigured, to show that state and the settings page.
    /// </summary>
    private static async Task EnsureHeyGenAsync(StudioDb db, HeyGenSecrets secrets)
    {
        if (await db.AiAvatarIntegrations.AnyAsync(i => i.BusinessId == BusinessA && i.Provider == "heygen"))
        {
            return;
        }
        db.AiAvatarIntegrations.Add(new AiAvatarIntegration
        {
            Id = Guid.NewGuid(),
            BusinessId = BusinessA,
            Provider = "heygen",
            Status = IntegrationStatus.Active,
            Secret = secrets.Protect("demo-simulator-key-northwind-2026"),
            AvatarId = SimulatedHeyGen.Looks[0].Id,
            VoiceId = SimulatedHeyGen.Voices[0].VoiceId,
            UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    private static async Task<StudioUser> EnsureUserAsync(UserManager<StudioUser> users, DemoLogin login, string name, bool siteAdmin)
    {
        var user = await users.FindByEmailAsync(login.Email);
        if (user is not null)
        {
            return user;
        }
        user = new StudioUser { UserName = login.Email, Email = login.Email, EmailConfirmed = true, DisplayName = name, IsSiteAdmin = siteAdmin };
        var result = await users.CreateAsync(user, login.Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Could not create demo user " + login.Email + ": " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        return user;
    }

    private static readonly (Guid Business, string Title, string Main, string? Short)[] Items =
    [
        (BusinessA, "Sourdough starter in five days",
            "Hi, I'm Nora from Northwind Bakery. Today I'll show you how to raise a sourdough starter from nothing but flour and water in five days. "
            + "Day one: mix fifty grams of wholegrain rye with fifty grams of lukewarm water in a clean jar, cover it loosely and leave it somewhere warm. "
            + "Days two to four: discard half and feed it again with the same amounts, at the same time each day. You'll see bubbles, and it will smell a little sour — that's good. "
            + "By day five it should double within six hours of a feed. That's your sign it's ready to bake with. Come by the bakery and we'll give you a spoonful of ours to get you started.",
            "Five days, flour, water, and a jar. That's all a sourdough starter needs. Feed it daily, watch it double, and bake. Grab a free spoonful of ours at Northwind Bakery!"),
        (BusinessA, "Why we proof overnight",
            "Most of our loaves rest for sixteen hours in the cold before they see the oven. Cold proofing slows the yeast down while the bacteria keep working, "
            + "which builds flavour and gives the crust those small blisters you love. It also fits a baker's life: shape in the evening, bake at dawn. "
            + "Try it at home: after shaping, cover your dough and put it in the fridge overnight, then bake it straight from cold in a very hot oven.",
            "Our secret? Sixteen hours in the cold. Slow proofing means deeper flavour and a blistered crust. Try it tonight: shape, chill, bake at dawn."),
        (BusinessA, "Meet the team: early shift",
            "At four in the morning, while the town sleeps, our early shift lights the ovens. Meet Jonas, who has shaped every baguette we've sold for eleven years, "
            + "and Priya, who runs the pastry bench and invented our cardamom knot. This is a day in the life of the people who make your breakfast.",
            null),
        (BusinessB, "Ten-minute morning mobility",
            "Good morning from Contoso Fitness! Stiff when you wake up? This ten-minute routine loosens hips, spine and shoulders before your day starts. "
            + "We begin with cat-cow for one minute, then world's greatest stretch on each side, thoracic rotations, and finish with deep squat holds. "
            + "Move slowly, breathe through your nose, and never push into pain. Do it daily for two weeks and notice the difference.",
            "Ten minutes, no equipment, every morning. Loosen your hips, spine and shoulders with our mobility flow. Two weeks, and you'll feel it."),
        (BusinessB, "How to choose your first kettlebell",
            "Choosing your first kettlebell is simpler than it looks. Most women start well with eight to twelve kilograms, most men with twelve to sixteen. "
            + "Pick a cast-iron bell with a smooth handle wide enough for both hands. Test it with a swing, a goblet squat and a press: if you can press it five times with good form, it's a good start.",
            "First kettlebell? Swing it, squat it, press it five times. If all three feel solid, that's your weight. Cast iron, smooth handle, done."),
    ];
}
