using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Care;

/// <summary>A registry change refreshes the served scorecard: 2.1.4 of the household's community follows every create,
/// update and delete at once on the instance that made it (the card is served from memory, RefreshAfter is a day here), and
/// on another instance through the change feed. The households' reach is checked against pgRouting.</summary>
public sealed class CareScorecardRefreshTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const double Elderly15MinM = 3.0 * 1000 / 60 * 15;

    private static readonly Dictionary<string, string?> ServeFromMemory = new() { ["Geo:Scorecard:RefreshAfter"] = "1.00:00:00" };

    private static async Task<JsonElement> Indicator(HttpClient http, string code)
    {
        var region = await http.GetFromJsonAsync<JsonElement>($"/api/scorecard/{code}");
        return region.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "2.1.4");
    }

    [Fact]
    public async Task Adding_moving_and_deleting_households_changes_2_1_4_of_their_community_on_every_instance()
    {
        var (community, _) = await GridFixtures.CellAsync(db.DataSource, "CS", 116.60, 39.88, 0.02, "评网格");
        await WalkNetworks.SquareAsync(db.DataSource, seed: 51);
        string code;
        await using (var cmd = db.DataSource.CreateCommand("SELECT code FROM regions WHERE id = $1"))
        {
            cmd.Parameters.AddWithValue(community);
            code = (string)(await cmd.ExecuteScalarAsync())!;
        }
        var nodes = new Dictionary<long, (double Lon, double Lat)>();
        await using (var cmd = db.DataSource.CreateCommand("SELECT id, ST_X(geom), ST_Y(geom) FROM walk_nodes"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) nodes[r.GetInt64(0)] = (r.GetDouble(1), r.GetDouble(2));
        var station = nodes.OrderBy(n => Math.Abs(n.Value.Lon - 116.61) + Math.Abs(n.Value.Lat - 39.89)).First().Key;
        await GridFixtures.AssetAsync(db, "服务站 CS", nodes[station].Lon, nodes[station].Lat, AssetFixtures.DefaultAttributes(AssetKind.ServiceStation));
        await using (var cmd = db.DataSource.CreateCommand("UPDATE assets SET status = 'online'")) await cmd.ExecuteNonQueryAsync();
        // the independent check: pgRouting's walking metres from the station; one household well within 15 minutes, one well beyond
        var pg = await WalkNetworks.PgrDrivingDistanceAsync(db.DataSource, station, 5000);
        var near = pg.Where(p => p.Value is > 200 and < 500).OrderBy(p => p.Key).First().Key;
        var far = pg.Where(p => p.Value > Elderly15MinM + 400).OrderBy(p => p.Key).First().Key;

        await using var app = new GeoWebFactory(db.ConnectionString, ServeFromMemory);
        await using var other = new GeoWebFactory(db.ConnectionString, ServeFromMemory); // a second app instance on the same database
        var staff = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "评网格");
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var otherAdmin = await GridFixtures.ClientAsync(other, db, GeoRoles.Admin);

        // no registry yet: 2.1.4 counts stations (the card is computed once and then served from memory)
        var before = await Indicator(admin, code);
        Assert.DoesNotContain("care registry", before.GetProperty("evidence").GetString() ?? "");
        Assert.DoesNotContain("care registry", (await Indicator(otherAdmin, code)).GetProperty("evidence").GetString() ?? "");

        async Task<JsonElement> Post(long node, string name)
        {
            var res = await staff.PostAsJsonAsync("/api/care-registry", new { lon = nodes[node].Lon, lat = nodes[node].Lat, category = "elderly_alone", name, contact = "1380000", synthetic = true });
            Assert.Equal(HttpStatusCode.Created, res.StatusCode);
            return await res.Content.ReadFromJsonAsync<JsonElement>();
        }

        // a reached household: 1 of 1
        var reached = await Post(near, "住户近");
        Assert.True(reached.GetProperty("reach").GetProperty("station_walk_m").GetDouble() is var m && Math.Abs(m - pg[near]) < 0.1, $"walk {m} vs pgRouting {pg[near]}");
        var one = await Indicator(admin, code);
        Assert.Equal(1.0, one.GetProperty("value").GetDouble());
        Assert.True(one.GetProperty("passed").GetBoolean());
        Assert.Contains("1 of 1 registered households", one.GetProperty("evidence").GetString());

        // an unreached one: 1 of 2, failed (pass is 90%)
        var unreached = await Post(far, "住户远");
        var farMin = unreached.GetProperty("reach").GetProperty("station_min");
        Assert.True(farMin.ValueKind == JsonValueKind.Null || farMin.GetDouble() > 15, $"the far household is {farMin} minutes away");
        var two = await Indicator(admin, code);
        Assert.Equal(0.5, two.GetProperty("value").GetDouble());
        Assert.False(two.GetProperty("passed").GetBoolean());
        Assert.Contains("1 of 2 registered households", two.GetProperty("evidence").GetString());
        Assert.EndsWith("(2 of them synthetic)", two.GetProperty("evidence").GetString());
        // synthetic households are labelled wherever they are shown: the reach report counts them, the not-reached list flags them
        var report = await staff.GetFromJsonAsync<JsonElement>($"/api/care-registry/reach?community_id={community}");
        Assert.Equal(2, report.GetProperty("communities")[0].GetProperty("synthetic_households").GetInt32());
        var notReached = Assert.Single((await staff.GetFromJsonAsync<JsonElement>("/api/care-registry/unreached")).GetProperty("households").EnumerateArray());
        Assert.Equal(unreached.GetProperty("id").GetInt64(), notReached.GetProperty("id").GetInt64());
        Assert.True(notReached.GetProperty("synthetic").GetBoolean());

        // the other instance hears of it through the change feed (within the feed's poll interval)
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement seen;
        while (!((seen = await Indicator(otherAdmin, code)).GetProperty("evidence").GetString() ?? "").Contains("1 of 2", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the other instance still serves '{seen.GetProperty("evidence").GetString()}'");
            await Task.Delay(200);
        }
        Assert.Equal(0.5, seen.GetProperty("value").GetDouble());

        // moving the unreached household next to the station: 2 of 2
        var id = unreached.GetProperty("id").GetInt64();
        var moved = await staff.PutAsJsonAsync($"/api/care-registry/{id}", new { lon = nodes[near].Lon, lat = nodes[near].Lat, version = unreached.GetProperty("version").GetUInt32() });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Contains("2 of 2", (await Indicator(admin, code)).GetProperty("evidence").GetString());

        // deleting one: 1 of 1 again
        var version = (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetUInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/api/care-registry/{id}?version={version}")).StatusCode);
        Assert.Contains("1 of 1", (await Indicator(admin, code)).GetProperty("evidence").GetString());
    }
}
