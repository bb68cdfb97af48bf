using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Care;

/// <summary>The screen API (GET /api/screens/{id}/message) and the screen page (/screen/{id}) are one use case
/// (Core's ScreenBoard): the same shelters in the same order with the same minutes, ranked by walking time on the
/// network at the elderly pace, checked against pgr_drivingDistance on the same walk_edges.</summary>
public sealed class ScreenMessageWalkingTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const double ElderlyMetresPerMinute = 3.0 * 1000 / 60;

    [Fact]
    public async Task The_api_and_the_page_list_the_same_shelters_by_walking_time_as_pgRouting_computes_it()
    {
        await GridFixtures.CellAsync(db.DataSource, "SM", 116.60, 39.88, 0.02, "屏网格");
        await WalkNetworks.SquareAsync(db.DataSource, seed: 41);
        var nodes = new Dictionary<long, (double Lon, double Lat)>();
        await using (var cmd = db.DataSource.CreateCommand("SELECT id, ST_X(geom), ST_Y(geom) FROM walk_nodes"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) nodes[r.GetInt64(0)] = (r.GetDouble(1), r.GetDouble(2));
        var home = nodes.OrderBy(n => Math.Abs(n.Value.Lon - 116.61) + Math.Abs(n.Value.Lat - 39.89)).First().Key;
        var pg = await WalkNetworks.PgrDrivingDistanceAsync(db.DataSource, home, 5000);
        double Straight(long node)
        {
            var (kx, ky) = Geo.Core.Walking.Geodesy.MetresPerDegree(nodes[home].Lat);
            return Math.Sqrt(Math.Pow((nodes[node].Lon - nodes[home].Lon) * kx, 2) + Math.Pow((nodes[node].Lat - nodes[home].Lat) * ky, 2));
        }
        long Pick(double lo, double hi) => pg.Where(p => p.Value > lo && p.Value < hi).OrderBy(p => p.Key).First().Key;
        var near = Pick(250, 400);
        var mid = Pick(600, 750);
        var far = Pick(1300, 1500);
        // the one a straight line would rank too well: the largest detour among those walking 800–1200 m
        var detour = pg.Where(p => p.Value is > 800 and < 1200).OrderBy(p => Straight(p.Key) / p.Value).First().Key;
        Assert.True(Straight(detour) < Straight(mid) || Straight(detour) < Straight(near) || Straight(far) < Straight(detour),
            "the sample does not tell walking order from straight-line order");

        var screen = await GridFixtures.AssetAsync(db, "Screen SM", nodes[home].Lon, nodes[home].Lat, new DisplayScreenAttributes());
        var shelterIds = new Dictionary<long, long>(); // asset → node
        foreach (var (node, name) in new[] { (far, "Shelter far"), (near, "Shelter near"), (detour, "Shelter detour"), (mid, "Shelter mid") })
            shelterIds[await GridFixtures.AssetAsync(db, name, nodes[node].Lon, nodes[node].Lat, new ShelterAttributes(300))] = node;
        var civil = Pick(450, 550);
        var civilId = await GridFixtures.AssetAsync(db, "Civil SM", nodes[civil].Lon, nodes[civil].Lat, AssetFixtures.DefaultAttributes(AssetKind.CivilDefence));
        await using (var cmd = db.DataSource.CreateCommand("UPDATE assets SET status = 'online'")) await cmd.ExecuteNonQueryAsync();

        // the independent order: pgRouting's walking metres, nearest first, the first three
        var expected = shelterIds.OrderBy(s => pg[s.Value]).Take(3).ToList();

        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient(); // screens read anonymously
        var msg = await http.GetFromJsonAsync<JsonElement>($"/api/screens/{screen}/message");
        var shelters = msg.GetProperty("shelters").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Key), shelters.Select(s => s.GetProperty("id").GetInt64()));
        foreach (var (s, e) in shelters.Zip(expected))
        {
            Assert.Equal("walking", s.GetProperty("measure").GetString());
            Assert.Equal(pg[e.Value], s.GetProperty("distance_m").GetDouble(), 0.5);
            Assert.Equal(pg[e.Value] / ElderlyMetresPerMinute, s.GetProperty("minutes").GetDouble(), 0.051); // minutes to 0.1
        }
        var civilRow = Assert.Single(msg.GetProperty("civil_defence").EnumerateArray());
        Assert.Equal(civilId, civilRow.GetProperty("id").GetInt64());
        Assert.Equal(pg[civil] / ElderlyMetresPerMinute, civilRow.GetProperty("minutes").GetDouble(), 0.051);
        Assert.Equal("elderly", msg.GetProperty("profile").GetString());

        // the page lists the same names in the same order with the same whole minutes
        var page = await http.GetStringAsync($"/screen/{screen}?lang=en");
        var section = Regex.Match(page, "aria-labelledby=\"s-h\">(.*?)</section>", RegexOptions.Singleline).Groups[1].Value;
        var items = Regex.Matches(section, "<span class=\"name\">(.*?)</span>\\s*<span class=\"far\">about (\\d+) min walk</span>")
            .Select(m => (Name: WebUtility.HtmlDecode(m.Groups[1].Value), Minutes: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(shelters.Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("minutes_shown").GetInt32())), items);
        Assert.Equal(expected.Select(e => (int)Math.Max(1, Math.Round(Math.Round(pg[e.Value] / ElderlyMetresPerMinute, 1)))), items.Select(i => i.Minutes));

        // a screen that cannot show warnings still lists its shelters (as its page does); a bad id names the parameter
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/screens/0/message")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/screens/{civilId}/message")).StatusCode);
    }
}
