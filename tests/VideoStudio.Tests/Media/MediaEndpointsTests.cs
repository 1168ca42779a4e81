using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Dom;
using VideoStudio.Tests.Infrastructure;

namespace VideoStudio.Tests.Media;

[Collection(MediaCollection.Name)]
public class MediaEndpointsTests
{
    private readonly StudioApp _app = StudioApp.Instance;

    private async Task<(Tenant Tenant, string Url)> UploadedAsync()
    {
        var tenant = await _app.CreateTenantAsync();
        var id = await tenant.CreateContentAsync();
        var page = await tenant.Client.GetDocumentAsync($"/content/{id}");
        var card = (await (await tenant.UploadAsync(page, id, "long", Videos.Mp4, "clip.mp4")).FragmentAsync()).Body!.FirstElementChild!;
        return (tenant, card.QuerySelector("video")!.GetAttribute("src")!);
    }

    [Fact]
    public async Task A_member_gets_the_video_cached_forever_with_an_ETag()
    {
        var (tenant, url) = await UploadedAsync();

        var response = await tenant.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Videos.Mp4, await response.Content.ReadAsByteArrayAsync());
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Private);
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains("immutable", cache.Extensions.Select(e => e.Name));
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task A_range_request_gets_just_those_bytes_for_seeking()
    {
        var (tenant, url) = await UploadedAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(100, 199);

        var response = await tenant.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Videos.Mp4[100..200], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-199/{Videos.Mp4.Length}", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task A_revalidation_with_the_same_ETag_answers_304_without_a_body()
    {
        var (tenant, url) = await UploadedAsync();
        var etag = (await tenant.Client.GetAsync(url)).Headers.ETag!;
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);

        var response = await tenant.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Another_business_and_anonymous_visitors_get_nothing()
    {
        var (_, url) = await UploadedAsync();
        var stranger = await _app.CreateTenantAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await _app.CreateBrowserlessClient().GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync("/media/not-an-asset.mp4")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/media/{Guid.NewGuid():N}.mp4")).StatusCode);
    }
}
