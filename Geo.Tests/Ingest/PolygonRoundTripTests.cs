using System.Text.Json;
using Geo.Tests.Api.Ogc;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

/// <summary>Real building shapes, not only points: a building with a courtyard (a hole) and a building in two
/// parts (a multipolygon, one part holed) go in through the importer and come out of <c>/ogc</c> as the same
/// geometry. Equality is judged by PostGIS on the source text (ST_GeomFromGeoJSON, independent of our reader),
/// ring orientation by the shoelace sign computed here. The source rings are wound the wrong way for RFC 7946
/// (exterior clockwise, holes counterclockwise), as many shapefile-derived files are, so a writer that passed
/// the stored order through would fail.</summary>
public sealed class PolygonRoundTripTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    // exterior clockwise, hole counterclockwise
    private const string Courtyard = """
        {"type":"Polygon","coordinates":[
          [[116.6500,39.9000],[116.6500,39.9008],[116.6512,39.9008],[116.6512,39.9000],[116.6500,39.9000]],
          [[116.6503,39.9002],[116.6509,39.9002],[116.6509,39.9006],[116.6503,39.9006],[116.6503,39.9002]]]}
        """;

    private const string TwoWings = """
        {"type":"MultiPolygon","coordinates":[
          [[[116.6600,39.9100],[116.6600,39.9104],[116.6607,39.9104],[116.6607,39.9100],[116.6600,39.9100]]],
          [[[116.6610,39.9100],[116.6610,39.9106],[116.6619,39.9106],[116.6619,39.9100],[116.6610,39.9100]],
           [[116.6612,39.9102],[116.6616,39.9102],[116.6616,39.9104],[116.6612,39.9104],[116.6612,39.9102]]]]}
        """;

    [Fact]
    public async Task A_building_with_a_hole_and_a_multipolygon_round_trip_exactly_with_rfc7946_rings()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("buildings.geojson", $$$"""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{{{Courtyard}}},"properties":{"id":"B1","name":"合院楼","households":40,"residents":96,"floors":6}},
              {"type":"Feature","geometry":{{{TwoWings}}},"properties":{"id":"B2","name":"双翼楼","households":120,"residents":300}}
            ]}
            """);
        var report = await IngestKit.ImportAsync(db, path, kind: "residential_building");
        Assert.Equal((2L, 2L), (report.Read, report.Inserted));

        using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        foreach (var (id, source, type, holes) in new[] { ("B1", Courtyard, "Polygon", 1), ("B2", TwoWings, "MultiPolygon", 1) })
        {
            // stored = source, exactly: same type, same vertices (Hausdorff distance 0), same topology
            var assetId = await IngestKit.ScalarAsync<long?>(db.DataSource, """
                SELECT id FROM assets WHERE source = 'buildings.geojson' AND external_id = $1
                  AND ST_GeometryType(geom) = 'ST_' || $2
                  AND ST_Equals(geom, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))
                  AND ST_HausdorffDistance(geom, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)) = 0
                  AND ST_NPoints(geom) = ST_NPoints(ST_GeomFromGeoJSON($3))
                """, id, type, source);
            Assert.True(assetId is not null, $"{id}: the stored geometry is not the source geometry");

            // served = stored, with exteriors counterclockwise and holes clockwise
            var feature = await ApiAssert.JsonAsync(await http.GetAsync($"/ogc/collections/residential_building/items/{assetId}"));
            var geometry = feature.GetProperty("geometry");
            Assert.Equal(type, geometry.GetProperty("type").GetString());
            var polygons = type == "Polygon" ? [geometry.GetProperty("coordinates")] : geometry.GetProperty("coordinates").EnumerateArray().ToList();
            var seenHoles = 0;
            foreach (var rings in polygons.Select(p => p.EnumerateArray().ToList()))
            {
                Assert.True(Shoelace(rings[0]) > 0, $"{id}: exterior ring is clockwise");
                foreach (var hole in rings.Skip(1)) { Assert.True(Shoelace(hole) < 0, $"{id}: hole is counterclockwise"); seenHoles++; }
            }
            Assert.Equal(holes, seenHoles);
            Assert.True(await IngestKit.ScalarAsync<bool>(db.DataSource,
                "SELECT ST_Equals(geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) AND ST_HausdorffDistance(geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) = 0 FROM assets WHERE id = $1",
                assetId, geometry.GetRawText()), $"{id}: served geometry differs from the stored one");
        }
    }

    /// <summary>Twice the signed area of a ring [[x, y], ...]: positive when counterclockwise.</summary>
    private static double Shoelace(JsonElement ring)
    {
        var pts = ring.EnumerateArray().Select(p => (X: p[0].GetDouble(), Y: p[1].GetDouble())).ToList();
        double sum = 0;
        for (var i = 0; i + 1 < pts.Count; i++) sum += pts[i].X * pts[i + 1].Y - pts[i + 1].X * pts[i].Y;
        return sum;
    }
}
