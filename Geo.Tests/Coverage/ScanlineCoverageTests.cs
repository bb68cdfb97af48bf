using Geo.Core.Coverage;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace Geo.Tests.Coverage;

/// <summary>The scanline engine against exact answers: πr², the lens of two disks, sectors, holes.</summary>
public sealed class ScanlineCoverageTests
{
    private static readonly GeometryFactory F = NtsGeometryServices.Instance.CreateGeometryFactory(4548);

    private static PolygonShape Square(double x0, double y0, double side) =>
        new(F.ToGeometry(new Envelope(x0, x0 + side, y0, y0 + side)));

    [Theory]
    [InlineData(50)]
    [InlineData(7.5)]
    [InlineData(1500)]
    public void A_disk_inside_a_square_covers_pi_r_squared_within_a_thousandth(double r)
    {
        var square = Square(500_000 - 4 * r, 4_400_000 - 4 * r, 8 * r);
        var res = ScanlineCoverage.Measure(square, [new DiskShape(500_000, 4_400_000, r)]);
        Assert.Equal(64 * r * r, res.RegionArea, 64 * r * r * 1e-9);
        Assert.InRange(res.CoveredArea / (Math.PI * r * r), 0.999, 1.001);
    }

    [Fact]
    public void Two_overlapping_disks_cover_the_exact_union_area()
    {
        const double r = 100, d = 120; // centres 120 m apart
        var lens = 2 * r * r * Math.Acos(d / (2 * r)) - d / 2 * Math.Sqrt(4 * r * r - d * d);
        var exact = 2 * Math.PI * r * r - lens;
        var res = ScanlineCoverage.Measure(Square(-500, -500, 1000), [new DiskShape(0, 0, r), new DiskShape(d, 0, r)]);
        Assert.InRange(res.CoveredArea / exact, 0.999, 1.001);
    }

    [Fact]
    public void A_disk_half_outside_the_region_counts_only_the_inside_half()
    {
        var res = ScanlineCoverage.Measure(Square(0, -1000, 2000), [new DiskShape(0, 0, 200)]);
        Assert.InRange(res.CoveredArea / (Math.PI * 200 * 200 / 2), 0.999, 1.001);
    }

    [Fact]
    public void Holes_in_the_region_are_not_area()
    {
        var outer = F.ToGeometry(new Envelope(0, 1000, 0, 1000));
        var hole = F.ToGeometry(new Envelope(400, 600, 400, 600));
        var region = outer.Difference(hole);
        var res = ScanlineCoverage.Measure(new PolygonShape(region), [new DiskShape(500, 500, 150)]);
        Assert.Equal(1_000_000 - 40_000, res.RegionArea, 1.0);
        // the disk lies entirely inside the 200 m hole except its rim beyond 100 m... only the parts outside the hole count
        var exact = F.CreatePoint(new Coordinate(500, 500)).Buffer(150, 512).Difference(hole).Area;
        Assert.InRange(res.CoveredArea / exact, 0.995, 1.005);
    }

    [Fact]
    public void A_camera_sector_covers_its_share_of_the_circle()
    {
        var sector = PolygonShape.Sector(F, 0, 0, headingDeg: 45, fovDeg: 90, range: 100, arcSegments: 2048);
        var res = ScanlineCoverage.Measure(Square(-200, -200, 400), [new PolygonShape(sector)]);
        Assert.InRange(res.CoveredArea / (Math.PI * 100 * 100 / 4), 0.999, 1.001);
        // heading 45° opens to the north-east quadrant: (50, 50) is inside, (-50, 50) is not
        Assert.True(sector.Contains(F.CreatePoint(new Coordinate(50, 50))));
        Assert.False(sector.Contains(F.CreatePoint(new Coordinate(-50, 50))));
    }

    [Fact]
    public void Many_random_disks_agree_with_an_exact_geos_union_within_a_thousandth()
    {
        var rng = new Random(42);
        var disks = Enumerable.Range(0, 300)
            .Select(_ => new DiskShape(rng.NextDouble() * 2000, rng.NextDouble() * 2000, 20 + rng.NextDouble() * 130))
            .ToList();
        var area = F.ToGeometry(new Envelope(0, 2000, 0, 2000));
        var res = ScanlineCoverage.Measure(new PolygonShape(area), disks);
        // independent: GEOS union of fine polygons (64 segments per quarter: -0.01% per disk)
        var union = CascadedPolygonUnion.Union(disks.Select(d => F.CreatePoint(new Coordinate(d.Cx, d.Cy)).Buffer(d.R, 64)).ToList());
        var exact = union.Intersection(area).Area;
        // the issue asks for agreement within 0.5%; the engine holds 0.1%
        Assert.InRange(res.CoveredArea / exact, 0.999, 1.001);
    }
}
