using System.Diagnostics;
using Geo.Core.Common;
using Geo.Core.Crs;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Union;
using Npgsql;

namespace Geo.Core.Coverage;

/// <summary>Share of an area and of its residents covered by assets with a reach (Wi-Fi radius, a
/// straight-line service radius, camera sectors), and the uncovered gaps as polygons.</summary>
public sealed class CoverageEngine(NpgsqlDataSource db)
{
    /// <summary>Above this many covering shapes, gap polygons are refused (ask for a smaller area).</summary>
    public const int MaxShapesForGaps = 20_000;

    public sealed record Result(
        string Region, string Kind, int Assets, double AreaM2, double CoveredM2, double AreaShare,
        long Residents, long ResidentsCovered, double ResidentShare, long Residents60, long Residents60Covered,
        double Residents60Share, Geometry? Gaps, double ElapsedMs);

    public async Task<Result?> WifiAsync(string regionCode, bool onlineOnly, bool gaps, CancellationToken ct = default) =>
        await DisksAsync(regionCode, "wifi_hotspot", onlineOnly, "coverage_radius_m", 50, gaps, ct);

    /// <summary>Coverage of <paramref name="area"/> (WGS84) by assets of <paramref name="kind"/>, each reaching
    /// <paramref name="radiusAttribute"/> metres (or <paramref name="fixedRadiusM"/>).</summary>
    public async Task<Result> DisksAsync(string label, Geometry area, string kind, bool onlineOnly, string? radiusAttribute,
        double fixedRadiusM, bool gaps, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var disks = await CoverageInputs.LoadDisksAsync(db, area, kind, onlineOnly, radiusAttribute, fixedRadiusM, ct);
        var buildings = await CoverageInputs.LoadResidentsAsync(db, area, ct);
        return Measure(label, kind, GeoMetric.ToMetric(area), disks, buildings, gaps, sw);
    }

    public async Task<Result?> DisksAsync(string regionCode, string kind, bool onlineOnly, string? radiusAttribute,
        double fixedRadiusM, bool gaps, CancellationToken ct = default)
    {
        var region = await CoverageInputs.ResolveRegionAsync(db, regionCode, ct);
        if (region is null) return null;
        return await DisksAsync(region.Value.Label, region.Value.Wgs84, kind, onlineOnly, radiusAttribute, fixedRadiusM, gaps, ct);
    }

    /// <summary>Cameras' field-of-view sectors over the area.</summary>
    public async Task<Result?> CamerasAsync(string regionCode, bool onlineOnly, bool gaps, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var region = await CoverageInputs.ResolveRegionAsync(db, regionCode, ct);
        if (region is null) return null;
        await using var cmd = db.CreateCommand("""
            SELECT ST_X(geom), ST_Y(geom), COALESCE((attributes->>'heading_deg')::float8, 0),
                   COALESCE((attributes->>'fov_deg')::float8, 90), COALESCE((attributes->>'range_m')::float8, 30)
            FROM assets WHERE kind = 'camera' AND geom && ST_Expand($1, 0.02) AND ($2 = false OR status = 'online')
            """);
        cmd.Parameters.AddWithValue(region.Value.Wgs84);
        cmd.Parameters.AddWithValue(onlineOnly);
        var sectors = new List<CoverShape>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var (x, y) = GeoMetric.ToMetric(r.GetDouble(0), r.GetDouble(1));
                var g = PolygonShape.Sector(GeoMetric.Factory, x, y, r.GetDouble(2), r.GetDouble(3), r.GetDouble(4));
                sectors.Add(new PolygonShape(g) { Source = g });
            }
        }
        var buildings = await CoverageInputs.LoadResidentsAsync(db, region.Value.Wgs84, ct);
        return Measure(region.Value.Label, "camera", GeoMetric.ToMetric(region.Value.Wgs84), sectors, buildings, gaps, sw);
    }

    internal static Result Measure(string label, string kind, Geometry areaMetric, IReadOnlyList<CoverShape> shapes,
        IReadOnlyList<CoverageInputs.Building> buildings, bool gaps, Stopwatch sw)
    {
        var area = ScanlineCoverage.Measure(new PolygonShape(areaMetric), shapes);
        var index = new STRtree<CoverShape>();
        foreach (var s in shapes) index.Insert(new Envelope(s.MinX, s.MaxX, s.MinY, s.MaxY), s);
        long residents = 0, covered = 0;
        double r60 = 0, c60 = 0;
        var probe = new List<Interval>(4);
        foreach (var b in buildings)
        {
            residents += b.Residents;
            r60 += b.Residents * b.Share60;
            if (!IsCovered(index, b.X, b.Y, probe)) continue;
            covered += b.Residents;
            c60 += b.Residents * b.Share60;
        }
        Geometry? gapGeom = null;
        if (gaps)
        {
            if (shapes.Count > MaxShapesForGaps)
                throw GeoException.BadInput("gaps", $"{shapes.Count} covering assets: gap polygons are limited to {MaxShapesForGaps}; choose a smaller region or leave out gaps");
            gapGeom = GeoMetric.FromMetric(Gaps(areaMetric, shapes));
        }
        return new Result(label, kind, shapes.Count, area.RegionArea, area.CoveredArea, area.Share,
            residents, covered, residents > 0 ? (double)covered / residents : 0,
            (long)Math.Round(r60), (long)Math.Round(c60), r60 > 0 ? c60 / r60 : 0, gapGeom, sw.Elapsed.TotalMilliseconds);
    }

    public static bool IsCovered(STRtree<CoverShape> index, double x, double y, List<Interval> probe)
    {
        foreach (var s in index.Query(new Envelope(x, x, y, y)))
        {
            if (s is DiskShape d) { if (d.Contains(x, y)) return true; continue; }
            probe.Clear();
            s.Intervals(y, probe);
            foreach (var iv in probe) if (x >= iv.A && x <= iv.B) return true;
        }
        return false;
    }

    /// <summary>The area minus the union of the shapes, for the map (disks as 64-gons).</summary>
    public static Geometry Gaps(Geometry areaMetric, IReadOnlyList<CoverShape> shapes)
    {
        if (shapes.Count == 0) return areaMetric;
        var polys = shapes.Select(s => s switch
        {
            DiskShape d => GeoMetric.Factory.CreatePoint(new Coordinate(d.Cx, d.Cy)).Buffer(d.R, 16),
            PolygonShape p when p.Source is not null => p.Source,
            _ => throw new InvalidOperationException("shape has no polygon form"),
        }).ToList();
        var union = CascadedPolygonUnion.Union(polys);
        return areaMetric.Difference(union);
    }
}
