using Geo.Core.Crs;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Geo.Tests.Crs;

public sealed class GeoMetricTests
{
    private const double Relative = 0.001; // 0.1%

    // A 1 km square in EPSG:4548 with its south-west corner at (470300, 4418639), near Tongzhou's
    // centre, taken back to lon/lat, and its geodesic measures on the WGS84 ellipsoid. All values from
    // pyproj 3.4.1: Transformer EPSG:4548→EPSG:4326 (always_xy) for the corners, then
    // Geod(ellps="WGS84").polygon_area_perimeter and Geod.inv for the diagonal.
    private static readonly (double Lon, double Lat)[] SquareCorners =
    [
        (116.6526991922, 39.9014013480),
        (116.6643926297, 39.9014357776),
        (116.6643486826, 39.9104419683),
        (116.6526537140, 39.9104075278),
    ];

    private const double GeodesicArea = 999979.0157965869;
    private const double GeodesicPerimeter = 3999.9580231713603;
    private const double GeodesicDiagonal = 1414.198722774147;

    [Fact]
    public void Area_length_and_distance_of_a_1km_square_agree_with_the_geodesic()
    {
        var ring = SquareCorners.Append(SquareCorners[0]).Select(p => new Coordinate(p.Lon, p.Lat)).ToArray();
        var square = GeoFactory.Wgs84.CreatePolygon(ring);

        AssertRelative(GeodesicArea, GeoMetric.AreaSquareMetres(square));
        AssertRelative(GeodesicPerimeter, GeoMetric.LengthMetres(square.ExteriorRing));
        var sw = GeoFactory.Point(SquareCorners[0].Lon, SquareCorners[0].Lat);
        var ne = GeoFactory.Point(SquareCorners[2].Lon, SquareCorners[2].Lat);
        AssertRelative(GeodesicDiagonal, GeoMetric.DistanceMetres(sw, ne));

        // the square is exact in 4548: its projected area is 1 km² up to the corners' 1e-10° rounding (~1e-5 m)
        var metric = GeoMetric.ToMetric(square);
        Assert.Equal(GeoMetric.Srid, metric.SRID);
        Assert.Equal(1e6, metric.Area, 0.05);
    }

    [Theory]
    [InlineData(116.6527, 39.9014, 100)]
    [InlineData(116.6527, 39.9014, 1000)]
    [InlineData(116.52, 39.60, 5000)]  // Tongzhou's south-west corner: furthest from 117°E
    public void A_disk_built_in_4548_has_area_pi_r_squared(double lon, double lat, double r)
    {
        var disk = GeoMetric.Disk(lon, lat, r);
        Assert.Equal(4326, disk.SRID);
        Assert.True(disk.IsValid);
        AssertRelative(Math.PI * r * r, GeoMetric.AreaSquareMetres(disk));
        // every vertex sits at r from the centre when measured back in metres
        var centre = GeoFactory.Point(lon, lat);
        foreach (var c in disk.ExteriorRing.Coordinates)
        {
            AssertRelative(r, GeoMetric.DistanceMetres(centre, GeoFactory.Point(c.X, c.Y)));
        }
    }

    [Fact]
    public void Buffering_a_line_by_metres_adds_the_expected_area()
    {
        // a 2 km east-west street buffered by 50 m: a 2000 x 100 m band plus two half disks
        var west = CrsTransform.Get("EPSG:4548", "EPSG:4326").Apply(470000, 4418000);
        var east = CrsTransform.Get("EPSG:4548", "EPSG:4326").Apply(472000, 4418000);
        var street = GeoFactory.Wgs84.CreateLineString([new Coordinate(west.X, west.Y), new Coordinate(east.X, east.Y)]);

        var buffer = GeoMetric.BufferMetres(street, 50);
        Assert.Equal(4326, buffer.SRID);
        AssertRelative(2000 * 100 + Math.PI * 50 * 50, GeoMetric.AreaSquareMetres(buffer));
        Assert.True(buffer.Contains(street));
    }

    [Fact]
    public void Metric_round_trip_returns_the_original_coordinates()
    {
        var poly = GeoFactory.ReadWkt("POLYGON ((116.6 39.9, 116.7 39.9, 116.7 39.95, 116.6 39.9))");
        var back = GeoMetric.FromMetric(GeoMetric.ToMetric(poly));
        Assert.Equal(4326, back.SRID);
        Assert.True(back.EqualsExact(poly, 1e-9));
    }

    [Fact]
    public void Refuses_geometries_in_another_crs()
    {
        var projected = GeoMetric.ToMetric(GeoFactory.Point(116.65, 39.9));
        Assert.Throws<ArgumentException>(() => GeoMetric.AreaSquareMetres(projected));
        Assert.Throws<ArgumentException>(() => GeoMetric.FromMetric(GeoFactory.Point(116.65, 39.9)));
        Assert.Throws<ArgumentOutOfRangeException>(() => GeoMetric.Disk(116.65, 39.9, 0));
    }

    private static void AssertRelative(double expected, double actual)
    {
        var rel = Math.Abs(actual - expected) / expected;
        Assert.True(rel <= Relative, $"expected {expected:R} within {Relative:P2}, got {actual:R} ({rel:P4} off)");
    }
}
