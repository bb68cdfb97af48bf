using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Geo.Tests.Api.Ogc;

/// <summary>RFC 7946 §3.1.6 on every polygon the API writes: exterior rings counterclockwise, holes clockwise
/// (checked by the shoelace sign, computed here independently of PostGIS), whatever order the rows are stored
/// in; and no per-geometry "crs" member in any CRS (the CRS is the Content-Crs header).</summary>
public sealed class Rfc7946Tests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    /// <summary>Twice the signed area of a ring given as [[x, y], ...]: positive when counterclockwise.</summary>
    private static double Shoelace(JsonElement ring)
    {
        var pts = ring.EnumerateArray().Select(p => (X: p[0].GetDouble(), Y: p[1].GetDouble())).ToList();
        double s = 0;
        for (var i = 0; i + 1 < pts.Count; i++) s += pts[i].X * pts[i + 1].Y - pts[i + 1].X * pts[i].Y;
        return s;
    }

    private static IEnumerable<JsonElement> Polygons(JsonElement geometry) => geometry.GetProperty("type").GetString() switch
    {
        "Polygon" => [geometry.GetProperty("coordinates")],
        "MultiPolygon" => geometry.GetProperty("coordinates").EnumerateArray(),
        _ => [],
    };

    private async Task InsertClockwiseShelterWithHoleAsync()
    {
        // exterior clockwise, hole counterclockwise: the opposite of RFC 7946, as many stored rows are
        var wkt = "POLYGON((116.610 39.860, 116.610 39.866, 116.618 39.866, 116.618 39.860, 116.610 39.860),"
                + "(116.612 39.862, 116.616 39.862, 116.616 39.864, 116.612 39.864, 116.612 39.862))";
        var g = new WKTReader(GeoFactory.Wgs84.GeometryServices).Read(wkt);
        g.SRID = 4326;
        Assert.False(((Polygon)g).Shell.IsCCW);
        await SeededApiFixture.InsertAsync(f.Db.DataSource, [new(AssetKind.Shelter, "顺时针避难场所", AssetStatus.Online, g, new ShelterAttributes(100, 500), SeededApiFixture.T0)]);
    }

    [Fact]
    public async Task Every_polygon_collection_has_counterclockwise_exteriors_and_clockwise_holes()
    {
        await InsertClockwiseShelterWithHoleAsync();
        await using (var cmd = f.Db.DataSource.CreateCommand("SELECT count(*) FROM regions WHERE NOT ST_IsPolygonCCW(geom)"))
        {
            Assert.True((long)(await cmd.ExecuteScalarAsync())! > 0, "the fixture must store clockwise regions for the test to mean something");
        }
        var collections = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections"));
        var checkedPolygons = 0;
        var holes = 0;
        foreach (var c in collections.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()!))
        {
            var page = await ApiAssert.JsonAsync(await f.Http.GetAsync($"/ogc/collections/{c}/items?limit=10000"));
            foreach (var feature in page.GetProperty("features").EnumerateArray())
            {
                foreach (var polygon in Polygons(feature.GetProperty("geometry")))
                {
                    var rings = polygon.EnumerateArray().ToList();
                    Assert.True(Shoelace(rings[0]) > 0, $"{c} feature {feature.GetProperty("id")}: exterior ring is clockwise");
                    foreach (var hole in rings.Skip(1)) { Assert.True(Shoelace(hole) < 0, $"{c}: hole is counterclockwise"); holes++; }
                    checkedPolygons++;
                }
            }
        }
        Assert.True(checkedPolygons >= 8, $"only {checkedPolygons} polygons checked");
        Assert.True(holes >= 1);

        // the exports and a single feature are written by the same SQL
        var export = await ApiAssert.JsonAsync(await f.Http.GetAsync("/api/export/shelter"));
        Assert.All(export.GetProperty("features").EnumerateArray().SelectMany(x => Polygons(x.GetProperty("geometry"))),
            p => Assert.True(Shoelace(p[0]) > 0));
    }

    [Theory]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/3857")]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/4548")]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/4326")]
    public async Task Another_crs_is_a_Content_Crs_header_never_a_crs_member(string crs)
    {
        var res = await f.Http.GetAsync($"/ogc/collections/shelter/items?crs={Uri.EscapeDataString(crs)}");
        Assert.Equal($"<{crs}>", res.Headers.GetValues("Content-Crs").Single());
        var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;
        Assert.NotEmpty(doc.GetProperty("features").EnumerateArray());
        foreach (var feature in doc.GetProperty("features").EnumerateArray())
        {
            Assert.False(feature.GetProperty("geometry").TryGetProperty("crs", out _));
            Assert.False(feature.TryGetProperty("crs", out _));
        }
        Assert.False(doc.TryGetProperty("crs", out _));
        var id = doc.GetProperty("features")[0].GetProperty("id").GetInt64();
        var one = await f.Http.GetAsync($"/ogc/collections/shelter/items/{id}?crs={Uri.EscapeDataString(crs)}");
        Assert.False(JsonDocument.Parse(await one.Content.ReadAsStringAsync()).RootElement.GetProperty("geometry").TryGetProperty("crs", out _));
    }
}
