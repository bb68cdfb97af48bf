using System.Collections.Concurrent;
using NetTopologySuite.Geometries;

namespace Geo.Core.Crs;

/// <summary>Converts coordinates between the CRSs Geo accepts. Codes (case-insensitive, parsed by
/// <see cref="SupportedCrs.TryParse"/>): CRS84 / OGC:CRS84 / http://www.opengis.net/def/crs/OGC/1.3/CRS84,
/// EPSG:4326, EPSG:4490 (CGCS2000), EPSG:3857, EPSG:4548 (CGCS2000 / 3-degree GK CM 117E), EPSG:32650
/// (UTM 50N), and the Chinese offset systems GCJ02 and BD09 (no EPSG code). Axis order is always
/// x=lon/easting, y=lat/northing. Every pair converts; conversions go through WGS84 lon/lat.</summary>
/// <remarks>
/// CGCS2000 (EPSG:4490) is treated as identical to WGS84. Their ellipsoids (GRS80 and WGS84) share
/// a and differ only in flattening, which moves the semi-minor axis by 0.1 mm, and the two frames agree
/// to a few centimetres at the current epoch, far below the accuracy of any data Geo holds (the
/// district outline itself is good to metres). PROJ likewise uses a null "ballpark" transformation.
/// A seven-parameter shift would cost time on millions of coordinates and add nothing.
///
/// Instances are immutable and cached per pair, so <see cref="Get"/> is cheap and thread-safe;
/// the per-coordinate path allocates nothing.
/// </remarks>
public sealed class CrsTransform
{
    private delegate (double X, double Y) Step(double x, double y);

    private static readonly ConcurrentDictionary<(string From, string To), CrsTransform> Cache = new();

    private readonly Step _apply;

    private CrsTransform(string from, string to, int targetSrid, Step apply)
    {
        From = from;
        To = to;
        TargetSrid = targetSrid;
        _apply = apply;
    }

    public string From { get; }
    public string To { get; }

    /// <summary>SRID set on transformed geometries (4326 for CRS84, GCJ02 and BD09 targets).</summary>
    public int TargetSrid { get; }

    public bool IsIdentity => From == To;

    public static CrsTransform Get(string from, string to)
    {
        var f = SupportedCrs.Parse(from);
        var t = SupportedCrs.Parse(to);
        return Cache.GetOrAdd((f, t), static key => new CrsTransform(key.From, key.To, SupportedCrs.Srid(key.To), Build(key.From, key.To)));
    }

    public (double X, double Y) Apply(double x, double y) => _apply(x, y);

    public Coordinate Apply(Coordinate c)
    {
        var (x, y) = _apply(c.X, c.Y);
        return new Coordinate(x, y);
    }

    /// <summary>Converts the points (xs[i], ys[i]) in place: the bulk path for importers.</summary>
    public void Apply(Span<double> xs, Span<double> ys)
    {
        if (xs.Length != ys.Length) throw new ArgumentException("xs and ys differ in length", nameof(ys));
        if (IsIdentity) return;
        for (var i = 0; i < xs.Length; i++) (xs[i], ys[i]) = _apply(xs[i], ys[i]);
    }

    /// <summary>A transformed copy of <paramref name="g"/> with <see cref="TargetSrid"/>.</summary>
    public Geometry Apply(Geometry g)
    {
        var copy = g.Copy();
        if (!IsIdentity)
        {
            copy.Apply(new TransformFilter(_apply));
            copy.GeometryChanged();
        }
        copy.SRID = TargetSrid;
        return copy;
    }

    private static Step Build(string from, string to)
    {
        if (from == to) return static (x, y) => (x, y);

        // GCJ-02 <-> BD-09 directly: going through WGS84 would add two iterative inversions for nothing.
        if (from == SupportedCrs.Gcj02 && to == SupportedCrs.Bd09) return ChineseOffsets.Gcj02ToBd09;
        if (from == SupportedCrs.Bd09 && to == SupportedCrs.Gcj02) return ChineseOffsets.Bd09ToGcj02;

        var toWgs84 = ToWgs84(from);
        var fromWgs84 = FromWgs84(to);
        if (toWgs84 is null) return fromWgs84 ?? (static (x, y) => (x, y));
        if (fromWgs84 is null) return toWgs84;
        return (x, y) =>
        {
            var (lon, lat) = toWgs84(x, y);
            return fromWgs84(lon, lat);
        };
    }

    /// <summary>The step from <paramref name="code"/> to WGS84 lon/lat, or null when it is already
    /// WGS84 lon/lat (CRS84, EPSG:4326 and, see the remarks, EPSG:4490).</summary>
    private static Step? ToWgs84(string code)
    {
        if (code == SupportedCrs.Gcj02) return ChineseOffsets.Gcj02ToWgs84;
        if (code == SupportedCrs.Bd09) return ChineseOffsets.Bd09ToWgs84;
        return ProjectedCrs.For(code)?.Inverse is { } inverse ? inverse.Transform : null;
    }

    private static Step? FromWgs84(string code)
    {
        if (code == SupportedCrs.Gcj02) return ChineseOffsets.Wgs84ToGcj02;
        if (code == SupportedCrs.Bd09) return ChineseOffsets.Wgs84ToBd09;
        return ProjectedCrs.For(code)?.Forward is { } forward ? forward.Transform : null;
    }

    private sealed class TransformFilter(Step apply) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (x, y) = apply(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, x);
                seq.SetY(i, y);
            }
        }
    }
}
