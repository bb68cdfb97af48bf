using Geo.Core.Crs;
using Geo.Core.Spatial;
using static Geo.Tests.Crs.ChineseOffsetsTests;

namespace Geo.Tests.Crs;

public sealed class CrsTransformTests
{
    // Reference values from pyproj 3.4.1 / PROJ 9.1.1 (Debian python3-pyproj), generated once with
    // Transformer.from_crs("EPSG:4326", "EPSG:<code>", always_xy=True). For 4548 PROJ chose the
    // "ballpark" (null) WGS84→CGCS2000 step, the same identity Geo uses.
    public static TheoryData<double, double, double, double> Gk117Reference => new()
    {
        { 116.6527, 39.9014, 470300.0685, 4418638.8501 },
        { 116.6, 39.95, 465817.5075, 4424053.9406 },
        { 116.75, 39.8, 478589.3705, 4407352.3880 },
        { 116.9, 39.7, 491423.3611, 4396224.2856 },
        { 116.55, 39.75, 461432.9210, 4401867.8181 },
    };

    public static TheoryData<double, double, double, double> Utm50NReference => new()
    {
        { 116.6527, 39.9014, 470311.9485, 4416871.3946 },
        { 116.6, 39.95, 465831.1805, 4422284.3191 },
        { 116.75, 39.8, 478597.9348, 4405589.4472 },
        { 116.9, 39.7, 491426.7918, 4394465.7960 },
        { 116.55, 39.75, 461448.3479, 4400107.0711 },
    };

    public static TheoryData<string, string> AllPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in SupportedCrs.All) foreach (var t in SupportedCrs.All) data.Add(f, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(Gk117Reference))]
    public void Epsg4548_matches_pyproj_within_a_millimetre(double lon, double lat, double e, double n) =>
        AssertProjected(SupportedCrs.Cgcs2000Gk117, lon, lat, e, n);

    [Theory]
    [MemberData(nameof(Utm50NReference))]
    public void Epsg32650_matches_pyproj_within_a_millimetre(double lon, double lat, double e, double n) =>
        AssertProjected(SupportedCrs.Utm50N, lon, lat, e, n);

    [Theory]
    [InlineData(116.65, 39.9)]
    [InlineData(116.6527, 39.9014)]
    [InlineData(0, 0)]
    [InlineData(-73.9857, 40.7484)]
    [InlineData(151.2153, -33.8568)]
    public void Epsg3857_matches_the_closed_form_spherical_mercator(double lon, double lat)
    {
        // EPSG method 1024: x = R·λ, y = R·ln tan(π/4 + φ/2) with R = a(WGS84), on WGS84 lon/lat.
        const double r = 6378137.0;
        var x = r * lon * Math.PI / 180;
        var y = r * Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360));
        var t = CrsTransform.Get("EPSG:4326", "EPSG:3857");
        AssertClose((x, y), t.Apply(lon, lat), 1e-6);
        AssertClose((lon, lat), CrsTransform.Get("EPSG:3857", "CRS84").Apply(x, y), 1e-9);
    }

    [Fact]
    public void Cgcs2000_geographic_is_an_explicit_identity_with_its_own_srid()
    {
        var t = CrsTransform.Get("EPSG:4326", "EPSG:4490");
        Assert.False(t.IsIdentity);
        Assert.Equal((116.6527, 39.9014), t.Apply(116.6527, 39.9014));
        Assert.Equal(4490, t.TargetSrid);
        Assert.Equal(4490, t.Apply(GeoFactory.Point(116.6527, 39.9014)).SRID);
    }

    // Any → any: reach each CRS from one WGS84 point, convert between the two representations, and
    // compare with the direct conversion; then come back. Tolerances are per unit (degrees vs metres).
    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_pair_converts_consistently_and_round_trips(string from, string to)
    {
        var pairs = new[] { (116.6527, 39.9014), (116.52, 39.60), (116.94, 40.02) };
        foreach (var (lon, lat) in pairs)
        {
            var a = CrsTransform.Get(SupportedCrs.Wgs84, from).Apply(lon, lat);
            var b = CrsTransform.Get(SupportedCrs.Wgs84, to).Apply(lon, lat);
            var t = CrsTransform.Get(from, to);
            Assert.Equal(from == to, t.IsIdentity);
            Assert.Equal(SupportedCrs.Srid(to), t.TargetSrid);
            AssertClose(b, t.Apply(a.X, a.Y), Tolerance(to));
            AssertClose(a, CrsTransform.Get(to, from).Apply(b.X, b.Y), Tolerance(from));
        }
    }

    [Theory]
    [InlineData("epsg:4548", "EPSG:4548")]
    [InlineData("urn:ogc:def:crs:EPSG::32650", "EPSG:32650")]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/3857", "EPSG:3857")]
    [InlineData("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "CRS84")]
    [InlineData("4490", "EPSG:4490")]
    [InlineData("gcj-02", "GCJ02")]
    [InlineData("bd09ll", "BD09")]
    public void Get_accepts_every_spelling_of_a_code(string input, string canonical)
    {
        var t = CrsTransform.Get(input, "EPSG:4326");
        Assert.Equal(canonical, t.From);
        Assert.Same(t, CrsTransform.Get(canonical, "epsg:4326"));
    }

    [Theory]
    [InlineData("EPSG:2000")]
    [InlineData("gcj03")]
    [InlineData("")]
    public void Get_rejects_unsupported_codes(string code) =>
        Assert.Throws<ArgumentException>(() => CrsTransform.Get(code, "EPSG:4326"));

    [Fact]
    public void Geometry_transform_copies_sets_the_srid_and_keeps_z()
    {
        var line = GeoFactory.ReadWkt("LINESTRING Z (116.60 39.90 12, 116.70 39.95 15)");
        var projected = CrsTransform.Get("EPSG:4326", "EPSG:4548").Apply(line);
        Assert.Equal(4548, projected.SRID);
        Assert.Equal(116.60, line.Coordinates[0].X);
        Assert.Equal(12, projected.Coordinates[0].Z);
        AssertClose(CrsTransform.Get("EPSG:4326", "EPSG:4548").Apply(116.70, 39.95), (projected.Coordinates[1].X, projected.Coordinates[1].Y), 0);
        var back = CrsTransform.Get("EPSG:4548", "EPSG:4326").Apply(projected);
        Assert.Equal(4326, back.SRID);
        Assert.True(back.EqualsExact(line, 1e-9));
    }

    [Fact]
    public void Span_bulk_path_equals_the_per_point_path()
    {
        var t = CrsTransform.Get("GCJ02", "EPSG:4548");
        double[] xs = [116.60, 116.70, 116.80], ys = [39.90, 39.80, 39.70];
        var expected = xs.Zip(ys, (x, y) => t.Apply(x, y)).ToArray();
        t.Apply(xs, ys);
        for (var i = 0; i < xs.Length; i++) Assert.Equal(expected[i], (xs[i], ys[i]));
    }

    // The cached ProjNet transforms are shared by all threads in bulk imports: concurrent results
    // must be bit-identical to sequential ones.
    [Fact]
    public void Shared_transforms_are_safe_under_concurrent_use()
    {
        var t = CrsTransform.Get("BD09", "EPSG:32650");
        var back = CrsTransform.Get("EPSG:32650", "BD09");
        var rng = new Random(7);
        var input = Enumerable.Range(0, 40_000).Select(_ => (X: 116.5 + rng.NextDouble() * 0.45, Y: 39.59 + rng.NextDouble() * 0.44)).ToArray();
        var sequential = input.Select(p => back.Apply(t.Apply(p.X, p.Y).X, t.Apply(p.X, p.Y).Y)).ToArray();
        var parallel = new (double X, double Y)[input.Length];
        Parallel.For(0, input.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var (x, y) = t.Apply(input[i].X, input[i].Y);
            parallel[i] = back.Apply(x, y);
        });
        Assert.Equal(sequential, parallel);
    }

    private static void AssertProjected(string code, double lon, double lat, double e, double n)
    {
        AssertClose((e, n), CrsTransform.Get(SupportedCrs.Wgs84, code).Apply(lon, lat), 0.001);
        // the reference is rounded to 0.1 mm and agrees to 1 mm, i.e. about 1e-8° of latitude
        AssertClose((lon, lat), CrsTransform.Get(code, SupportedCrs.Wgs84).Apply(e, n), 1e-8);
        // and through the exact forward image, the round trip is tighter still
        var (x, y) = CrsTransform.Get(SupportedCrs.Wgs84, code).Apply(lon, lat);
        AssertClose((lon, lat), CrsTransform.Get(code, SupportedCrs.Wgs84).Apply(x, y), 1e-11);
    }

    private static double Tolerance(string code) => SupportedCrs.Srid(code) is 3857 or 4548 or 32650 ? 1e-5 : 1e-10;
}
