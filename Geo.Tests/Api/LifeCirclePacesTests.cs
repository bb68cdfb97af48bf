using System.Net;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>Life-circle completeness at the adult (4.5 km/h) and elderly (3 km/h) pace side by side (issue 16), checked
/// against an independent computation: pgr_drivingDistance from every building over the same walk_edges, 15 minutes
/// at each pace (1125 m, 750 m), counting the service categories reached. Served by /api/lifecircle and as a
/// choropleth with the scorecard's classes.</summary>
public sealed class LifeCirclePacesTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Completeness_at_both_paces_equals_pgr_drivingDistance_and_the_choropleth_serves_it()
    {
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "LP", 116.60, 39.88, 0.02);
        await WalkNetworks.SquareAsync(db.DataSource, seed: 17);
        var nodes = await WalkNetworks.ConnectedNodesAsync(db.DataSource);
        Assert.True(nodes.Count > 200);

        // buildings and services on network nodes (no access legs), spread deterministically over the square
        var step = nodes.Count / 40;
        var buildings = Enumerable.Range(0, 16).Select(i => (Node: nodes[(step * (2 * i + 1) + 7) % nodes.Count], Residents: 100 + 10 * i)).ToList();
        var elements = Enum.GetValues<LifeElement>().Take(LifeCircleAnalysis.ElementCount).ToArray();
        var services = elements.SelectMany((el, e) => new[] { (el, nodes[(step * (5 * e + 3)) % nodes.Count]), (el, nodes[(step * (5 * e + 22)) % nodes.Count]) }).ToList();
        var assets = buildings.Select((b, i) => new Asset
        {
            Kind = AssetKind.ResidentialBuilding, Name = $"楼{i}", Source = "lp-test", ExternalId = $"b{i}", Geom = GeoFactory.Point(b.Node.Lon, b.Node.Lat),
            Attributes = new ResidentialBuildingAttributes(b.Residents / 3, b.Residents), Synthetic = true,
        }).Concat(services.Select((s, k) => new Asset
        {
            Kind = AssetKind.Shop, Name = $"店{k}", Source = "lp-test", ExternalId = $"s{k}", Geom = GeoFactory.Point(s.Item2.Lon, s.Item2.Lat),
            Attributes = new ShopAttributes(s.el), Synthetic = true,
        })).ToList();
        await using (var conn = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await AssetBulkWriter.CopyAsync(conn, "assets", assets, withRowNumbers: false);
            await tx.CommitAsync();
        }
        var walking = new WalkingOptions();
        var run = await LifeCircleRunner.RunIfChangedAsync(db.DataSource, new WalkingGraphProvider(db.DataSource), walking.Adult, walking.Elderly, "test");
        Assert.NotNull(run);

        // the independent computation
        async Task<HashSet<long>> ReachedAsync(long from, double metres)
        {
            await using var cmd = db.DataSource.CreateCommand(
                "SELECT node FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM walk_edges', $1::bigint, $2::float8, true)");
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(metres);
            var set = new HashSet<long>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) set.Add(r.GetInt64(0));
            return set;
        }
        double total = buildings.Sum(b => b.Residents), adult = 0, elderly = 0, all7Elderly = 0;
        var categoriesSeen = new List<(int Adult, int Elderly)>();
        foreach (var b in buildings)
        {
            var (ra, re) = (await ReachedAsync(b.Node.Id, 15 * walking.Adult.MetresPerMinute), await ReachedAsync(b.Node.Id, 15 * walking.Elderly.MetresPerMinute));
            var ca = elements.Count(el => services.Any(s => s.el == el && ra.Contains(s.Item2.Id)));
            var ce = elements.Count(el => services.Any(s => s.el == el && re.Contains(s.Item2.Id)));
            categoriesSeen.Add((ca, ce));
            adult += b.Residents * ca / 7.0;
            elderly += b.Residents * ce / 7.0;
            if (ce == 7) all7Elderly += b.Residents;
        }
        // the sample means something: the paces differ for some buildings and neither is all or nothing
        Assert.Contains(categoriesSeen, c => c.Elderly < c.Adult);
        Assert.InRange(elderly / total, 0.05, 0.95);

        await using var app = new GeoWebFactory(db.ConnectionString);
        using var http = app.CreateClient();
        var table = JsonDocument.Parse(await http.GetStringAsync("/api/lifecircle?level=community")).RootElement;
        Assert.Equal(4.5, table.GetProperty("adult_kmh").GetDouble());
        Assert.Equal(3, table.GetProperty("elderly_kmh").GetDouble());
        var row = Assert.Single(table.GetProperty("regions").EnumerateArray());
        Assert.Equal(Math.Round(adult / total, 4), row.GetProperty("completeness_adult").GetDouble(), 4);
        Assert.Equal(Math.Round(elderly / total, 4), row.GetProperty("completeness_elderly").GetDouble(), 4);
        Assert.Equal(Math.Round(all7Elderly / total, 4), row.GetProperty("share_all7_elderly_pace").GetDouble(), 4);
        Assert.True(row.GetProperty("completeness_elderly").GetDouble() < row.GetProperty("completeness_adult").GetDouble());

        // the choropleth: one machinery with the scorecard's (classes, colours, legend counts)
        foreach (var (pace, expected) in new[] { ("adult", adult / total), ("elderly", elderly / total) })
        {
            var map = JsonDocument.Parse(await http.GetStringAsync($"/api/lifecircle/choropleth?pace={pace}&level=community&parent=LP-S")).RootElement;
            Assert.Equal($"life_circle.{pace}", map.GetProperty("indicator").GetString());
            var feature = Assert.Single(map.GetProperty("features").EnumerateArray());
            Assert.Equal("LP-C", feature.GetProperty("properties").GetProperty("code").GetString());
            Assert.Equal(Math.Round(expected, 4), feature.GetProperty("properties").GetProperty("value").GetDouble(), 4);
            var legend = Assert.Single(map.GetProperty("legend").EnumerateArray());
            Assert.Equal(1, legend.GetProperty("count").GetInt32());
            Assert.Equal(legend.GetProperty("colour").GetString(), feature.GetProperty("properties").GetProperty("colour").GetString());
            Assert.EndsWith("Polygon", feature.GetProperty("geometry").GetProperty("type").GetString());
        }
        var towns = JsonDocument.Parse(await http.GetStringAsync("/api/lifecircle/choropleth?pace=elderly&level=subdistrict&parent=LP-D")).RootElement;
        Assert.Equal("LP-S", Assert.Single(towns.GetProperty("features").EnumerateArray()).GetProperty("properties").GetProperty("code").GetString());

        // bad input names the parameter
        foreach (var (query, status, parameter) in new[]
                 {
                     ("pace=jogging", HttpStatusCode.BadRequest, "pace"), ("level=grid_cell", HttpStatusCode.BadRequest, "level"),
                     ("parent=NOPE", HttpStatusCode.NotFound, "parent"),
                 })
        {
            var res = await http.GetAsync($"/api/lifecircle/choropleth?{query}");
            Assert.Equal(status, res.StatusCode);
            Assert.Equal(parameter, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
        }
    }
}
