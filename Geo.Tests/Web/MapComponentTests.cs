using Bunit;
using Geo.Api;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Geo.Tests.Infrastructure;
using Geo.Web.Components.Map;
using Geo.Web.Localization;
using Geo.Web.MapData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Web;

/// <summary>bUnit: the components without a browser; the JS module is bUnit's mock, the database is real.</summary>
public sealed class MapComponentTests(PostgisFixture db) : BunitContext, IClassFixture<PostgisFixture>
{
    private const string Module = "./Components/Map/LeafletMap.razor.js";

    private UiLanguage Setup()
    {
        var lang = new UiLanguage();
        Services.AddSingleton(lang);
        Services.AddSingleton(new TileLayers(exposeSensitive: false));
        Services.AddDbContextFactory<GeoDbContext>(o => GeoDb.Configure(o, db.DataSource));
        Services.AddSingleton(db.DataSource);
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        // NearbySearch walks on the graph (附近 by walking time); the map's 去这里 (WalkingRoute) too
        Services.AddSingleton(new Geo.Core.Walking.WalkingOptions());
        Services.AddSingleton(new Geo.Core.Walking.WalkingGraphProvider(db.DataSource));
        Services.AddSingleton(new Geo.Core.Access.AccessOptions());
        Services.AddGeoUseCaseServices();
        return lang;
    }

    [Fact]
    public void Layer_panel_lists_kinds_with_colours_and_counts_and_reports_toggles()
    {
        var lang = Setup();
        AssetKind? toggled = null;
        var kinds = new[] { AssetKind.WifiHotspot, AssetKind.Shelter };
        var cut = Render<LayerPanel>(p => p
            .Add(x => x.Kinds, kinds)
            .Add(x => x.Counts, new Dictionary<string, long> { ["wifi_hotspot"] = 1234 })
            .Add(x => x.Visible, new[] { AssetKind.WifiHotspot })
            .Add(x => x.SensitiveHidden, true)
            .Add(x => x.OnToggle, k => toggled = k));

        var rows = cut.FindAll("li.layer");
        Assert.Equal(2, rows.Count);
        Assert.Equal("无线热点", cut.Find("li[data-kind=wifi_hotspot] .name").TextContent);
        Assert.Equal("1,234", cut.Find("li[data-kind=wifi_hotspot] .count").TextContent);
        Assert.Equal("0", cut.Find("li[data-kind=shelter] .count").TextContent);
        Assert.Contains(KindStyles.Colour(AssetKind.Shelter), cut.Find("li[data-kind=shelter] .swatch").GetAttribute("style"));
        Assert.True(cut.Find("input[data-kind=wifi_hotspot]").HasAttribute("checked"));
        Assert.False(cut.Find("input[data-kind=shelter]").HasAttribute("checked"));
        Assert.Contains("摄像头与传感器", cut.Find(".legend").TextContent);

        cut.Find("input[data-kind=shelter]").Change(true);
        Assert.Equal(AssetKind.Shelter, toggled);

        lang.Set(Lang.En);
        cut.WaitForAssertion(() => Assert.Equal("Emergency shelter", cut.Find("li[data-kind=shelter] .name").TextContent));
    }

    [Theory]
    [InlineData(null, new[] { "shop" })]
    [InlineData(GeoRoles.GridManager, new[] { "camera", "shop" })]
    public async Task Leaflet_map_creates_the_map_through_its_module_and_sends_the_assets_in_view(string? role, string[] expectedKinds)
    {
        Setup();
        await using (var ctx = db.CreateContext())
        {
            await ctx.Database.ExecuteSqlRawAsync("DELETE FROM assets"); // each case starts from the same three assets
            ctx.AddRange(AssetFixtures.Point(AssetKind.Shop, "便利店", 116.70, 39.90), AssetFixtures.Point(AssetKind.Camera, "摄像头", 116.7001, 39.9001),
                AssetFixtures.Point(AssetKind.Shop, "框外的店", 116.80, 39.95));
            await ctx.SaveChangesAsync();
        }
        var module = JSInterop.SetupModule(Module);
        module.SetupVoid("create", _ => true).SetVoidResult();
        module.SetupVoid("setAssets", _ => true).SetVoidResult();
        module.SetupVoid("setClusters", _ => true).SetVoidResult();
        module.SetupVoid("dispose", _ => true).SetVoidResult();

        // the map's rule is the API's: cameras for staff, not for anonymous users
        var user = role is null ? new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity())
            : Geo.Core.Access.GeoClaims.Principal("test", 1, "u", role, null, null);
        var auth = AddAuthorization();
        if (role is not null) { auth.SetAuthorized("u"); auth.SetRoles(role); }
        var allowed = Geo.Core.Access.SensitiveLayers.VisibleKinds(user, exposeToEveryone: false);
        var cut = Render<LeafletMap>(p => p.Add(x => x.VisibleKinds, new[] { AssetKind.Shop, AssetKind.Camera }).Add(x => x.AllowedKinds, allowed));
        var create = module.VerifyInvoke("create");
        Assert.Equal(3, create.Arguments.Count); // host element, .NET callbacks, options

        await cut.InvokeAsync(() => cut.Instance.OnViewChanged(116.69, 39.89, 116.71, 39.91, 15));
        var set = module.VerifyInvoke("setAssets");
        var points = Assert.IsAssignableFrom<IEnumerable<AssetPoint>>(set.Arguments[1]).ToList();
        // the other shop is outside the view
        Assert.Equal(expectedKinds, points.Select(p => p.Kind).Order());
        var shop = points.Single(p => p.Kind == "shop");
        Assert.Equal(116.70, shop.Lon, 6);
        Assert.Equal(39.90, shop.Lat, 6);
        Assert.Equal(false, set.Arguments[2]);
        Assert.Null(module.VerifyInvoke("setClusters").Arguments[1]); // street zoom: single assets, no bubbles

        // below street zoom: no single markers, count bubbles from AssetClusters (the kinds the viewer may see, nothing else)
        await cut.InvokeAsync(() => cut.Instance.OnViewChanged(116.69, 39.89, 116.71, 39.91, 12));
        Assert.Empty(Assert.IsAssignableFrom<IEnumerable<AssetPoint>>(module.VerifyInvoke("setAssets", 2)[1].Arguments[1]));
        var clusters = Assert.IsType<ClusterResult>(module.VerifyInvoke("setClusters", 2)[1].Arguments[1]);
        Assert.Equal(12, clusters.Zoom);
        Assert.Equal(expectedKinds, clusters.Clusters.SelectMany(c => c.Kinds).Select(k => k.Kind).Order());
        Assert.Equal(expectedKinds.Length, clusters.Total);

        await DisposeComponentsAsync();
        module.VerifyInvoke("dispose");
    }
}
