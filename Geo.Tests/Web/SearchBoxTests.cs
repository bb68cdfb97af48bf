using Bunit;
using Geo.Api;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Geo.Web.Components.Map;
using Geo.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Web;

/// <summary>The map's search box is Core's PlaceSearch (as GET /api/search): a category word finds places, nearest first
/// from where the resident is, each with its distance.</summary>
public sealed class SearchBoxTests(PostgisFixture db) : BunitContext, IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task The_search_box_reads_pharmacy_words_and_lists_nearest_first_with_distance()
    {
        Services.AddSingleton(new UiLanguage());
        Services.AddDbContextFactory<GeoDbContext>(o => GeoDb.Configure(o, db.DataSource));
        Services.AddSingleton(db.DataSource);
        Services.AddSingleton(new Geo.Core.Walking.WalkingOptions());
        Services.AddSingleton(new Geo.Core.Walking.WalkingGraphProvider(db.DataSource));
        Services.AddGeoUseCaseServices();
        await GridFixtures.AssetAsync(db, "远方药号", 116.70, 39.93, new ShopAttributes(LifeElement.Health, "pharmacy"));
        await GridFixtures.AssetAsync(db, "近处药号", 116.658, 39.909, new ShopAttributes(LifeElement.Health, "pharmacy"));

        var cut = Render<SearchBox>(p => p.Add(x => x.Kinds, AssetKinds.All.ToList()).Add(x => x.Lon, 116.657).Add(x => x.Lat, 39.909));
        cut.Find("input[type=search]").Change("药房");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".search-hit").Count));
        var hits = cut.FindAll(".search-hit");
        Assert.Equal("近处药号", hits[0].QuerySelector(".hit-name")!.TextContent);
        // 0.001° of longitude at 39.909° N on the ellipsoid: 85.6 m
        Assert.Equal("86 m", hits[0].QuerySelector(".hit-distance")!.TextContent);
        Assert.EndsWith("km", hits[1].QuerySelector(".hit-distance")!.TextContent);
        Assert.Contains("药店", hits[0].QuerySelector(".hit-detail")!.TextContent);
    }
}
