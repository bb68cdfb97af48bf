using System.Net;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api.Ogc;

/// <summary>Cameras and sensors through OGC API Features: staff see them, anonymous callers do not know they exist.</summary>
public sealed class SensitiveCollectionsTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Camera_collection_is_listed_and_served_to_staff_only()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var anonymous = app.CreateClient();
        Assert.DoesNotContain("\"camera\"", await anonymous.GetStringAsync("/ogc/collections"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/ogc/collections/camera/items")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/api/nearby?lon=116.65&lat=39.9&kinds=camera")).StatusCode);

        var planner = await GridFixtures.ClientAsync(app, db, "planner");
        Assert.Contains("\"camera\"", await planner.GetStringAsync("/ogc/collections"));
        Assert.Equal(HttpStatusCode.OK, (await planner.GetAsync("/ogc/collections/camera/items")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await planner.GetAsync("/api/nearby?lon=116.65&lat=39.9&kinds=camera")).StatusCode);
    }
}
