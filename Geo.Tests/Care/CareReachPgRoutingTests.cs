using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Scorecard;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Care;

/// <summary>Walking times from registered households to the nearest service station and kiosk, checked against
/// pgr_dijkstraCost on the same walk_edges; the 5/10/15-minute shares, the not-reached list and the scorecard's
/// 2.1.4 follow from them.</summary>
public sealed class CareReachPgRoutingTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const double ElderlyMetresPerMinute = 3.0 * 1000 / 60;

    [Fact]
    public async Task Household_walking_times_equal_pgRouting_and_the_shares_and_2_1_4_follow_from_them()
    {
        var (community, _) = await GridFixtures.CellAsync(db.DataSource, "CW", 116.60, 39.88, 0.02, "周网格");
        await WalkNetworks.SquareAsync(db.DataSource, seed: 21);

        // nodes as sample positions, spread over the square (deterministic: every k-th node by id)
        var nodes = await WalkNetworks.ConnectedNodesAsync(db.DataSource);
        Assert.True(nodes.Count > 200);
        var step = nodes.Count / 25;
        var stations = new[] { nodes[step * 3], nodes[step * 17] };
        var kiosk = nodes[step * 10];
        var households = Enumerable.Range(0, 12).Select(i => nodes[step * 2 * i + step / 2]).ToList();
        foreach (var (s, k) in stations.Select((s, k) => (s, k)))
            await GridFixtures.AssetAsync(db, $"服务站{k}", s.Lon, s.Lat, AssetFixtures.DefaultAttributes(AssetKind.ServiceStation));
        await GridFixtures.AssetAsync(db, "一键通", kiosk.Lon, kiosk.Lat, AssetFixtures.DefaultAttributes(AssetKind.Kiosk));
        await using (var cmd = db.DataSource.CreateCommand("UPDATE assets SET status = 'online'")) await cmd.ExecuteNonQueryAsync();

        await using var app = new GeoWebFactory(db.ConnectionString);
        var staff = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "周网格");
        var ids = new Dictionary<long, long>(); // record id → node id
        foreach (var (h, i) in households.Select((h, i) => (h, i)))
        {
            var res = await staff.PostAsJsonAsync("/api/care-registry", new { lon = h.Lon, lat = h.Lat, category = "severely_disabled", name = $"住户{i}", contact = "1", synthetic = true });
            res.EnsureSuccessStatusCode();
            ids[(await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64()] = h.Id;
        }

        // the independent computation: pgr_dijkstraCost from every household node to the stations / the kiosk
        async Task<Dictionary<long, double>> PgrAsync(long[] targets)
        {
            await using var cmd = db.DataSource.CreateCommand("""
                SELECT start_vid, min(agg_cost) FROM pgr_dijkstraCost('SELECT id, source, target, cost, reverse_cost FROM walk_edges', $1, $2, true)
                GROUP BY start_vid
                """);
            cmd.Parameters.AddWithValue(households.Select(h => h.Id).Distinct().ToArray());
            cmd.Parameters.AddWithValue(targets);
            var d = new Dictionary<long, double>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) d[r.GetInt64(0)] = r.GetDouble(1);
            foreach (var h in households) if (targets.Contains(h.Id)) d[h.Id] = 0;
            return d;
        }
        var pgStation = await PgrAsync(stations.Select(s => s.Id).ToArray());
        var pgKiosk = await PgrAsync([kiosk.Id]);

        var list = await staff.GetFromJsonAsync<JsonElement>("/api/care-registry?limit=100");
        var checkedAny = 0;
        foreach (var rec in list.GetProperty("records").EnumerateArray())
        {
            var node = ids[rec.GetProperty("id").GetInt64()];
            var reach = rec.GetProperty("reach");
            foreach (var (field, minutes, pg) in new[] { ("station_walk_m", "station_min", pgStation), ("kiosk_walk_m", "kiosk_min", pgKiosk) })
            {
                var expected = pg.TryGetValue(node, out var c) && c <= 30 * ElderlyMetresPerMinute ? c : (double?)null;
                var ours = reach.GetProperty(field);
                if (expected is null) { Assert.Equal(JsonValueKind.Null, ours.ValueKind); continue; }
                Assert.Equal(expected.Value, ours.GetDouble(), 0.1);
                Assert.Equal(expected.Value / ElderlyMetresPerMinute, reach.GetProperty(minutes).GetDouble(), 0.01);
                checkedAny++;
            }
        }
        Assert.True(checkedAny >= 12, $"only {checkedAny} times within the cutoff: the sample does not test much");

        // shares within 5/10/15 minutes and the not-reached list agree with pgRouting's costs
        double Share(Dictionary<long, double> pg, int min) =>
            Math.Round(households.Count(h => pg.TryGetValue(h.Id, out var c) && c <= min * ElderlyMetresPerMinute) / (double)households.Count, 4);
        var report = await staff.GetFromJsonAsync<JsonElement>($"/api/care-registry/reach?community_id={community}");
        Assert.Equal("elderly", report.GetProperty("profile").GetString());
        var row = Assert.Single(report.GetProperty("communities").EnumerateArray());
        Assert.Equal(households.Count, row.GetProperty("households").GetInt32());
        foreach (var (min, name) in new[] { (5, "within5"), (10, "within10"), (15, "within15") })
        {
            Assert.Equal(Share(pgStation, min), row.GetProperty("station").GetProperty(name).GetDouble(), 4);
            Assert.Equal(Share(pgKiosk, min), row.GetProperty("kiosk").GetProperty(name).GetDouble(), 4);
        }
        var unreachedExpected = households.Count(h => !(pgStation.TryGetValue(h.Id, out var c) && c <= 15 * ElderlyMetresPerMinute));
        Assert.InRange(unreachedExpected, 1, households.Count - 1); // the sample has both kinds
        Assert.Equal(unreachedExpected, row.GetProperty("not_reached").GetInt32());
        var unreached = await staff.GetFromJsonAsync<JsonElement>("/api/care-registry/unreached");
        Assert.Equal(unreachedExpected, unreached.GetProperty("households").GetArrayLength());
        Assert.All(unreached.GetProperty("households").EnumerateArray(), h =>
            Assert.True(h.GetProperty("station_min").ValueKind == JsonValueKind.Null || h.GetProperty("station_min").GetDouble() > 15));
        Assert.StartsWith("住户", unreached.GetProperty("households")[0].GetProperty("name").GetString());

        // the scorecard's 2.1.4 is that share now, with the registry named as evidence
        var card = await new ScorecardEngine(db.DataSource).ComputeAsync();
        var ind = Assert.Single(card.Communities, c => c.RegionId == community).Indicators.Single(i => i.Id == "2.1.4");
        Assert.Equal(Share(pgStation, 15), ind.Value);
        Assert.Equal(Share(pgStation, 15) >= ScorecardEngine.CareReachPass, ind.Passed);
        Assert.Contains("care registry", ind.Evidence);
    }
}
