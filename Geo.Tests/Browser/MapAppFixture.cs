using Microsoft.Extensions.DependencyInjection;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Tests.Infrastructure;
using Microsoft.Playwright;
using NetTopologySuite.Geometries;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>One database, one app on Kestrel and one Chromium for the class; the data is a small
/// community with a grid cell and three assets, all marked synthetic.</summary>
public sealed class MapAppFixture : IAsyncLifetime
{
    public const string CommunityName = "运河测试社区";
    public const string CommunityCode = "110112999001";
    public const string GridCode = "110112999001001";
    public const string WifiName = "测试热点甲";
    public const string Ssid = "TZ-Test-SSID";

    // a 0.004° x 0.003° square (about 340 m x 330 m) in the Canal business district
    public static readonly Envelope Square = new(116.690, 116.694, 39.900, 39.903);

    public PostgisFixture Db { get; } = new();
    public Infrastructure.Browser Browser { get; } = new();
    public KestrelGeoApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        await SeedAsync();
        App = KestrelGeoApp.Start(Db.ConnectionString);
        await Browser.InitializeAsync();
    }

    private async Task SeedAsync()
    {
        var square = GeoFactory.Wgs84.CreateMultiPolygon([(Polygon)GeoFactory.Wgs84.ToGeometry(Square)]);
        var district = GeoFactory.Wgs84.CreateMultiPolygon([(Polygon)GeoFactory.Wgs84.ToGeometry(new Envelope(116.60, 116.78, 39.84, 39.96))]);
        long? parent = null;
        foreach (var (level, code, name, geom) in new[]
                 {
                     ("district", "110112", "通州区（测试）", district), ("subdistrict", "110112999", "测试街道", district),
                     ("community", CommunityCode, CommunityName, square), ("grid_cell", GridCode, "运河测试网格一", square),
                 })
        {
            await using var cmd = Db.DataSource.CreateCommand("""
                INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, grid_manager, pilot, synthetic)
                VALUES ($1, $2, $3, $4, $5, 3200, 640, $6, false, true) RETURNING id
                """);
            cmd.Parameters.AddWithValue(level);
            cmd.Parameters.AddWithValue(code);
            cmd.Parameters.AddWithValue(name);
            cmd.Parameters.AddWithValue((object?)parent ?? DBNull.Value);
            cmd.Parameters.AddWithValue(geom);
            cmd.Parameters.AddWithValue(level == "grid_cell" ? "张网格" : DBNull.Value);
            parent = (long)(await cmd.ExecuteScalarAsync())!;
        }
        // a small synthetic street network around the square, for the resident view's isochrones
        await GenerateWalkNetworkAsync();
        await using var ctx = Db.CreateContext();
        ctx.AddRange(
            AssetFixtures.Point(AssetKind.WifiHotspot, WifiName, 116.6910, 39.9015, new WifiHotspotAttributes(Ssid, 80)),
            AssetFixtures.Point(AssetKind.Shelter, "测试避难场所", 116.6930, 39.9015),
            AssetFixtures.Point(AssetKind.Camera, "不应显示的摄像头", 116.6920, 39.9025));
        await ctx.SaveChangesAsync();
    }

    private Task GenerateWalkNetworkAsync() => GenerateWalkNetworkAsync(5, 116.686, 39.896, 0.012);

    private Task GenerateWalkNetworkAsync(int seed, double lon, double lat, double sizeDeg) =>
        WalkNetworks.SquareAsync(Db.DataSource, seed, lon, lat, sizeDeg);

    /// <summary>Replaces the walking network with a synthetic square of streets and reloads the running app's graph.
    /// A test that does this calls <see cref="RestoreWalkNetworkAsync"/> when done.</summary>
    public async Task UseWalkNetworkAsync(int seed, double lon, double lat, double sizeDeg)
    {
        await GenerateWalkNetworkAsync(seed, lon, lat, sizeDeg);
        await App.Services.GetRequiredService<Geo.Core.Walking.WalkingGraphProvider>().RefreshAsync();
    }

    /// <summary>Puts the fixture's street network back (the resident view's isochrone tests need streets around the square).</summary>
    public Task RestoreWalkNetworkAsync() => UseWalkNetworkAsync(5, 116.686, 39.896, 0.012);

    /// <summary>A fresh page (its own browser context) at <paramref name="path"/>, once the circuit is live and the
    /// basemap has loaded: the map answers clicks and searches from here. See <see cref="MapPage"/> for the next steps.</summary>
    public async Task<IPage> OpenMapAsync(string path)
    {
        var page = await Browser.NewPageAsync(App.BaseUrl);
        await page.GotoAsync(path);
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
        await Db.DisposeAsync();
    }
}
