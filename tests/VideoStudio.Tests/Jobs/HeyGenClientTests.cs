using Microsoft.Extensions.Options;
using VideoStudio.HeyGenSimulator;
using VideoStudio.Jobs.HeyGen;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Jobs;

/// <summary>The v3 client against the simulator over real HTTP: what HeyGen answers becomes what the app needs.</summary>
public class HeyGenClientTests
{
    private static HeyGenClient Client() =>
        new(new HttpClient { BaseAddress = new Uri(HeyGenSim.Host.BaseUrl.TrimEnd('/') + "/") }, Options.Create(new HeyGenOptions()));

    private static HeyGenVideoRequest Video(string aspectRatio = "16:9", string? engine = null) =>
        new(HeyGenSim.Avatar, HeyGenSim.Voice, "Hello there.", aspectRatio, "720p", engine, "A title", Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

    [Fact]
    public async Task A_400_is_permanent_and_names_the_field_HeyGen_refused()
    {
        var error = await Assert.ThrowsAsync<HeyGenException>(() => Client().CreateVideoAsync(HeyGenSim.NewKey(), Video(aspectRatio: "3:2"), CancellationToken.None));

        Assert.Equal(HeyGenErrorKind.Refused, error.Kind);
        Assert.False(error.IsTransient);
        Assert.StartsWith("HeyGen refused the field \"aspect_ratio\".", error.Message);
    }

    [Fact]
    public async Task An_engine_the_look_does_not_support_is_refused_naming_the_engine_field()
    {
        var error = await Assert.ThrowsAsync<HeyGenException>(() => Client().CreateVideoAsync(HeyGenSim.NewKey(), Video(engine: "avatar_v"), CancellationToken.None));

        Assert.StartsWith("HeyGen refused the field \"engine\".", error.Message);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_gets_the_same_video_and_HeyGen_makes_one()
    {
        var key = HeyGenSim.NewKey();
        var video = Video();

        var first = await Client().CreateVideoAsync(key, video, CancellationToken.None);
        var again = await Client().CreateVideoAsync(key, video, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(HeyGenSim.State.SubmissionsFor(video.CallbackId));
    }

    [Fact]
    public async Task Statuses_of_many_videos_come_in_one_call_with_HeyGens_own_words()
    {
        var running = HeyGenSim.NewKey("neverfinish");
        var client = Client();
        var processing = await client.CreateVideoAsync(running, Video(), CancellationToken.None);
        var otherAccounts = await client.CreateVideoAsync(HeyGenSim.NewKey(), Video(), CancellationToken.None);

        var states = await client.GetStatusesAsync(running, [processing, otherAccounts, "00000000000000000000000000000000"], CancellationToken.None);

        Assert.Equal(
            [(processing, "processing"), (otherAccounts, "not_found"), ("00000000000000000000000000000000", "not_found")],
            states.Select(s => (s.VideoId, s.Status)));
    }

    [Fact]
    public async Task Looks_come_page_by_page_with_their_orientation_and_engines()
    {
        var key = HeyGenSim.NewKey();
        var looks = new List<HeyGenLook>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Client().ListLooksAsync(key, token, 1, CancellationToken.None);
            looks.AddRange(page.Items);
            token = page.NextToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(SimulatedHeyGen.Looks.Length, pages);
        Assert.Equal(SimulatedHeyGen.Looks.Select(l => (l.Id, l.Orientation)), looks.Select(l => (l.Id, l.Orientation!)));
        Assert.Equal(["avatar_iv", "avatar_iii"], looks[0].Engines);
    }

    [Fact]
    public async Task A_wallet_balance_is_said_in_its_currency()
    {
        var user = await Client().GetUserAsync(HeyGenSim.NewKey(), CancellationToken.None);

        Assert.Equal(("wallet", "$42.50 in the API wallet"), (user.BillingType, user.Balance));
    }
}
