using Geo.Core.Crs;

namespace Geo.Tests.Crs;

public sealed class ChineseOffsetsTests
{
    // Far tighter than the 1e-6° a map needs: the inverses stop when the error left is below 1e-12°
    // (about 0.1 µm), so round trips must close to that, plus a few ulps of arithmetic.
    private const double RoundTrip = 2e-12;

    // Vectors from wandergis/coordtransform, test/app.js (input 116.404, 39.915), the reference
    // JavaScript implementation most Chinese ports copy (also asserted by hutool's CoordinateUtilTest).
    // Forward formulas are deterministic, so we match them to the last few ulps.
    [Fact]
    public void Forward_formulas_match_coordtransform_vectors()
    {
        AssertClose((116.41024449916938, 39.91640428150164), ChineseOffsets.Wgs84ToGcj02(116.404, 39.915), 1e-12);
        AssertClose((116.41036949371029, 39.92133699351021), ChineseOffsets.Gcj02ToBd09(116.404, 39.915), 1e-12);
        AssertClose((116.39762729119315, 39.90865673957631), ChineseOffsets.Bd09ToGcj02OneStep(116.404, 39.915), 1e-12);
    }

    // coordtransform's inverses are the one-step approximations: ours must land close to them (they
    // are off by metres at most) but be exact inverses of the forward formulas, which theirs are not.
    [Fact]
    public void Iterative_inverses_refine_the_coordtransform_one_step_vectors()
    {
        var wgs = ChineseOffsets.Gcj02ToWgs84(116.404, 39.915);
        AssertClose((116.39775550083061, 39.91359571849836), wgs, 1e-4);
        AssertClose((116.404, 39.915), ChineseOffsets.Wgs84ToGcj02(wgs.Lon, wgs.Lat), 1e-12);

        var gcj = ChineseOffsets.Bd09ToGcj02(116.404, 39.915);
        AssertClose((116.39762729119315, 39.90865673957631), gcj, 5e-6);
        AssertClose((116.404, 39.915), ChineseOffsets.Gcj02ToBd09(gcj.Lon, gcj.Lat), 1e-12);

        // and the one-step inverse really is worse, which is why we iterate
        var oneStep = ChineseOffsets.Bd09ToGcj02OneStep(116.404, 39.915);
        var back = ChineseOffsets.Gcj02ToBd09(oneStep.Lon, oneStep.Lat);
        Assert.True(Math.Abs(back.Lon - 116.404) + Math.Abs(back.Lat - 39.915) > 1e-8);
    }

    // Vectors from hujiulong/gcoord, test/unit/crs/GCJ02.spec.js and BD09.spec.js (input 123, 45),
    // asserted there to 5 decimals; gcoord's GCJ-02 inverse iterates to 1e-6°, so 5e-6 is its precision.
    [Fact]
    public void Match_gcoord_vectors()
    {
        AssertClose((122.99395597, 44.99804071), ChineseOffsets.Gcj02ToWgs84(123, 45), 5e-6);
        AssertClose((123.00636499, 45.00636899), ChineseOffsets.Gcj02ToBd09(123, 45), 1e-8);
        AssertClose((122.99363304, 44.99365430), ChineseOffsets.Bd09ToGcj02(123, 45), 5e-6);
        AssertClose((122.98762210, 44.99171540), ChineseOffsets.Bd09ToWgs84(123, 45), 5e-6);
    }

    // City centres from hujiulong/gcoord, test/fixtures/china-cities.json (7 decimals). Its BD09 column
    // agrees with GCJ02→BD09 to rounding; its WGS84 column carries a systematic ~5e-6° bias from an
    // approximate inverse, which is why gcoord itself only asserts it to 4 decimals.
    public static TheoryData<string, double, double, double, double, double, double> Cities => new()
    {
        { "Zhumadian", 114.0164322, 33.0133556, 114.022306, 33.0115324, 114.0287781, 33.0176697 },
        { "Xingtai", 114.498916, 37.0700925, 114.5048503, 37.0705911, 114.5113116, 37.0766797 },
        { "Cangzhou", 116.8330366, 38.3039089, 116.8388422, 38.3044822, 116.8454238, 38.3102948 },
        { "Shenyang", 123.4253306, 41.8032629, 123.4314787, 41.8057023, 123.438095, 41.8114013 },
        { "Jiuquan", 98.4937175, 39.7319946, 98.4943595, 39.7328234, 98.5008441, 39.7388949 },
        { "Xilinhot", 116.0414035, 43.9312805, 116.0482308, 43.9334573, 116.0546232, 43.9397782 },
    };

    [Theory]
    [MemberData(nameof(Cities))]
    public void Match_gcoord_city_fixture(string city, double wLon, double wLat, double gLon, double gLat, double bLon, double bLat)
    {
        Assert.False(string.IsNullOrEmpty(city));
        AssertClose((gLon, gLat), ChineseOffsets.Wgs84ToGcj02(wLon, wLat), 1e-5);
        AssertClose((wLon, wLat), ChineseOffsets.Gcj02ToWgs84(gLon, gLat), 1e-5);
        AssertClose((bLon, bLat), ChineseOffsets.Gcj02ToBd09(gLon, gLat), 1e-7);
        AssertClose((gLon, gLat), ChineseOffsets.Bd09ToGcj02(bLon, bLat), 1e-7);
    }

    [Fact]
    public void Round_trips_over_a_grid_covering_Tongzhou()
    {
        // Tongzhou's bbox is 116.514–116.948 E, 39.592–40.031 N; 0.01° steps with a margin.
        for (var lon = 116.50; lon <= 116.96; lon += 0.01)
        {
            for (var lat = 39.58; lat <= 40.04; lat += 0.01) AssertRoundTrips(lon, lat);
        }
    }

    [Fact]
    public void Round_trips_at_random_points_in_China()
    {
        var rng = new Random(20261128);
        for (var i = 0; i < 20_000; i++) AssertRoundTrips(73.5 + rng.NextDouble() * 61.5, 18.0 + rng.NextDouble() * 35.5);
    }

    [Theory]
    [InlineData(-0.1276, 51.5072)]   // London
    [InlineData(139.6917, 35.6895)]  // Tokyo: east of the out_of_china box
    [InlineData(151.2093, -33.8688)] // Sydney
    [InlineData(-74.006, 40.7128)]   // New York
    [InlineData(103.8198, 0.5)]      // south of the box
    public void Gcj02_is_the_identity_outside_China(double lon, double lat)
    {
        Assert.True(ChineseOffsets.OutOfChina(lon, lat));
        Assert.Equal((lon, lat), ChineseOffsets.Wgs84ToGcj02(lon, lat));
        Assert.Equal((lon, lat), ChineseOffsets.Gcj02ToWgs84(lon, lat));
        // BD-09 keeps its own offset everywhere (as Baidu does), so only its GCJ-02 half drops out.
        Assert.Equal(ChineseOffsets.Gcj02ToBd09(lon, lat), ChineseOffsets.Wgs84ToBd09(lon, lat));
    }

    [Fact]
    public void Offsets_in_Beijing_have_the_known_size()
    {
        // GCJ-02 moves Beijing by roughly +0.006° lon / +0.0013° lat (about 500 m east, 150 m north)
        // and BD-09 adds about another 0.0065°/0.006°: a sanity check against sign or axis mix-ups.
        var (gLon, gLat) = ChineseOffsets.Wgs84ToGcj02(116.6527, 39.9014);
        Assert.InRange(gLon - 116.6527, 0.005, 0.007);
        Assert.InRange(gLat - 39.9014, 0.0005, 0.002);
        var (bLon, bLat) = ChineseOffsets.Gcj02ToBd09(gLon, gLat);
        Assert.InRange(bLon - gLon, 0.005, 0.008);
        Assert.InRange(bLat - gLat, 0.004, 0.008);
    }

    private static void AssertRoundTrips(double lon, double lat)
    {
        var g = ChineseOffsets.Wgs84ToGcj02(lon, lat);
        AssertClose((lon, lat), ChineseOffsets.Gcj02ToWgs84(g.Lon, g.Lat), RoundTrip);
        var w = ChineseOffsets.Gcj02ToWgs84(lon, lat);
        AssertClose((lon, lat), ChineseOffsets.Wgs84ToGcj02(w.Lon, w.Lat), RoundTrip);
        var b = ChineseOffsets.Gcj02ToBd09(lon, lat);
        AssertClose((lon, lat), ChineseOffsets.Bd09ToGcj02(b.Lon, b.Lat), RoundTrip);
        var wb = ChineseOffsets.Wgs84ToBd09(lon, lat);
        AssertClose((lon, lat), ChineseOffsets.Bd09ToWgs84(wb.Lon, wb.Lat), RoundTrip);
    }

    internal static void AssertClose((double X, double Y) expected, (double X, double Y) actual, double tolerance)
    {
        if (Math.Abs(expected.X - actual.X) <= tolerance && Math.Abs(expected.Y - actual.Y) <= tolerance) return;
        Assert.Fail($"expected ({expected.X:R}, {expected.Y:R}) ± {tolerance}, got ({actual.X:R}, {actual.Y:R})");
    }
}
