using System.Net;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>A life-circle run over a small network with buildings and services: recomputed only when the
/// inputs change, and served by /api/lifecircle.</summary>
public sealed class LifeCircleApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Runs_only_on_change_and_the_api_serves_shares_and_gaps()
    {
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "LC", 116.60, 39.88, 0.02);
        await WalkNetworks.SquareAsync(db.DataSource, seed: 11);
        var assets = new List<Asset>
        {
            // one block in the middle has every element; the far corner building has none within 15 minutes
            Building("mid", 116.6100, 39.8900, 300),
            Building("corner", 116.6195, 39.8995, 100),
        };
        assets.Add(new()
        {
            Kind = AssetKind.Kiosk, Name = "自助终端", Source = "lc-test", ExternalId = "kiosk", Geom = GeoFactory.Point(116.6102, 39.8902),
            Attributes = new KioskAttributes(), Synthetic = true,
        });
        foreach (var (el, k) in Enum.GetValues<LifeElement>().Select((e, k) => (e, k)))
        {
            assets.Add(new()
            {
                Kind = AssetKind.Shop, Name = $"店 {el}", Source = "lc-test", ExternalId = $"shop-{el}", Geom = GeoFactory.Point(116.6095 + k * 0.0002, 39.8905),
                Attributes = new ShopAttributes(el), Synthetic = true,
            });
        }
        await using (var conn = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await AssetBulkWriter.CopyAsync(conn, "assets", assets, withRowNumbers: false);
            await tx.CommitAsync();
        }

        var graphs = new WalkingGraphProvider(db.DataSource);
        var first = await LifeCircleRunner.RunIfChangedAsync(db.DataSource, graphs, new WalkingOptions().Adult, new WalkingOptions().Elderly, "test");
        Assert.NotNull(first);
        Assert.Equal((2, 400L, 7), (first.Buildings, first.Residents, first.Services));
        Assert.Null(await LifeCircleRunner.RunIfChangedAsync(db.DataSource, graphs, new WalkingOptions().Adult, new WalkingOptions().Elderly, "test")); // nothing changed
        await using (var cmd = db.DataSource.CreateCommand("UPDATE assets SET status = 'offline' WHERE external_id = 'shop-Health'"))
            await cmd.ExecuteNonQueryAsync();
        var second = await LifeCircleRunner.RunIfChangedAsync(db.DataSource, graphs, new WalkingOptions().Adult, new WalkingOptions().Elderly, "test");
        Assert.NotNull(second);
        Assert.True(second.Id > first.Id);
        Assert.Equal(6, second.Services);

        // scorecard 2.1.1 takes the walking basis once a run exists: six elements reach at least half the residents
        var card = await new Geo.Core.Scorecard.ScorecardEngine(db.DataSource).ComputeAsync();
        var lifeCircle = Assert.Single(card.Communities, c => c.Code == "LC-C").Indicators.Single(i => i.Id == "2.1.1");
        Assert.Equal(Math.Round(6 / 7.0, 4), lifeCircle.Value);
        Assert.Contains("walking network", lifeCircle.Evidence);

        await using var app = new GeoWebFactory(db.ConnectionString);
        using var http = app.CreateClient();
        var community = JsonDocument.Parse(await http.GetStringAsync("/api/lifecircle?level=community")).RootElement;
        Assert.Equal(second.Id, community.GetProperty("run").GetProperty("id").GetInt64());
        var row = Assert.Single(community.GetProperty("regions").EnumerateArray());
        Assert.Equal("LC-C", row.GetProperty("code").GetString());
        Assert.Equal(400, row.GetProperty("residents").GetDouble());
        Assert.Equal(0, row.GetProperty("share_all7").GetDouble()); // the clinic went offline
        Assert.Equal(0.75, row.GetProperty("per_element").GetProperty("eat").GetProperty("min15").GetDouble());

        var gaps = JsonDocument.Parse(await http.GetStringAsync("/api/lifecircle/gaps?limit=3")).RootElement.GetProperty("gaps");
        var top = gaps.EnumerateArray().First();
        Assert.Equal("health", top.GetProperty("element").GetString());
        Assert.Equal(1, top.GetProperty("uncovered_share").GetDouble());
        Assert.Contains("100% of residents have no clinic", top.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/lifecircle?level=planet")).StatusCode);

        // coverage by walking time: the kiosk serves the middle block (elderly pace, 15 min = 750 m), not the far corner
        var walk = JsonDocument.Parse(await http.GetStringAsync("/api/coverage/reach?kind=kiosk&region=LC-C&mode=walk&minutes=15")).RootElement;
        Assert.Equal("walking network", walk.GetProperty("distance_basis").GetString());
        Assert.Equal("elderly", walk.GetProperty("profile").GetString());
        Assert.Equal(0.75, walk.GetProperty("result").GetProperty("resident_share").GetDouble());
        Assert.Equal(60, walk.GetProperty("result").GetProperty("residents_60_covered").GetInt64());
    }

    private static Asset Building(string id, double lon, double lat, int residents) => new()
    {
        Kind = AssetKind.ResidentialBuilding, Name = $"楼 {id}", Source = "lc-test", ExternalId = id, Geom = GeoFactory.Point(lon, lat),
        Attributes = new ResidentialBuildingAttributes(residents / 3, residents), Synthetic = true,
    };
}
