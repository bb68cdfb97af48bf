using System.Text.Json;
using Geo.Core.Crs;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Geo.Tests.Crs;

/// <summary>The real fixture: Tongzhou's outline as published by DataV in GCJ-02
/// (data/boundary/tongzhou_gcj02.json) and the same outline converted to WGS84 by the data staging
/// script (tongzhou_wgs84.geojson, 7 decimals). Our conversion must reproduce it vertex by vertex.</summary>
public sealed class TongzhouBoundaryTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Gcj02_outline_converts_to_the_wgs84_outline_vertex_by_vertex()
    {
        var gcj = ReadMultiPolygon("tongzhou_gcj02.json");
        var wgs = ReadMultiPolygon("tongzhou_wgs84.geojson");
        var converted = CrsTransform.Get("GCJ02", "EPSG:4326").Apply(gcj);

        Assert.Equal(4326, converted.SRID);
        Assert.True(converted.NumPoints > 500, $"only {converted.NumPoints} vertices: fixture not read?");
        AssertSameVertices(wgs, converted);
        Assert.True(converted.IsValid);
    }

    [Fact]
    public void Wgs84_outline_converts_back_to_the_gcj02_outline()
    {
        var gcj = ReadMultiPolygon("tongzhou_gcj02.json");
        var wgs = ReadMultiPolygon("tongzhou_wgs84.geojson");
        AssertSameVertices(gcj, CrsTransform.Get("EPSG:4326", "GCJ02").Apply(wgs));
    }

    [Fact]
    public void Outline_lies_in_the_district_extent_and_has_the_known_area()
    {
        var wgs = ReadMultiPolygon("tongzhou_wgs84.geojson");
        Assert.True(GeoFactory.DistrictExtent.Contains(wgs.EnvelopeInternal));
        // Tongzhou is about 906 km² (official figure); the DataV outline is generalised, so allow 2%.
        var km2 = GeoMetric.AreaSquareMetres(wgs) / 1e6;
        Assert.InRange(km2, 906 * 0.98, 906 * 1.02);
    }

    private static void AssertSameVertices(Geometry expected, Geometry actual)
    {
        var e = expected.Coordinates;
        var a = actual.Coordinates;
        Assert.Equal(e.Length, a.Length);
        var worst = 0.0;
        for (var i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Max(Math.Abs(e[i].X - a[i].X), Math.Abs(e[i].Y - a[i].Y)));
        Assert.True(worst <= Tolerance, $"largest vertex difference {worst:E2}° exceeds {Tolerance:E0}°");
    }

    /// <summary>Reads the single MultiPolygon of a DataV-layout FeatureCollection (properties with adcode,
    /// center, ...; one feature). Parsed by hand so the test does not depend on the GeoJSON reader under test
    /// elsewhere.</summary>
    private static MultiPolygon ReadMultiPolygon(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(RepoFiles.Path("data", "boundary", file)));
        var geometry = doc.RootElement.GetProperty("features")[0].GetProperty("geometry");
        Assert.Equal("MultiPolygon", geometry.GetProperty("type").GetString());
        var f = GeoFactory.Wgs84;
        var polygons = geometry.GetProperty("coordinates").EnumerateArray().Select(poly =>
        {
            var rings = poly.EnumerateArray().Select(ring => f.CreateLinearRing(
                ring.EnumerateArray().Select(p => new Coordinate(p[0].GetDouble(), p[1].GetDouble())).ToArray())).ToArray();
            return f.CreatePolygon(rings[0], rings[1..]);
        }).ToArray();
        return f.CreateMultiPolygon(polygons);
    }
}
