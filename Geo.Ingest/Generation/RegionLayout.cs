using Geo.Core.Domain;
using Geo.Core.Spatial;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Triangulate;

namespace Geo.Ingest.Generation;

/// <summary>Partitions the real outline into the 22 subdistricts/towns and the 656 communities. No public
/// polygons exist for either, so they are Voronoi cells of seeded sites clipped to the outline: the 11 街道
/// share a compact urban core around the old town and the sub-centre, the 10 镇 and 1 乡 share the rest.</summary>
internal static class RegionLayout
{
    /// <summary>The urban core: the old town (中仓, 新华, 北苑, 玉桥) and the city sub-centre to its east.</summary>
    public static readonly Envelope Core = new(116.600, 116.730, 39.850, 39.940);

    // Approximate real centres; the seed jitters them, so layouts differ by seed but stay recognisable.
    private static readonly Dictionary<string, (double Lon, double Lat)> Anchors = new()
    {
        ["110112001"] = (116.665, 39.900), ["110112002"] = (116.650, 39.912), ["110112003"] = (116.632, 39.905),
        ["110112004"] = (116.655, 39.884), ["110112007"] = (116.718, 39.925), ["110112008"] = (116.690, 39.884),
        ["110112009"] = (116.705, 39.905), ["110112010"] = (116.625, 39.874), ["110112011"] = (116.680, 39.864),
        ["110112012"] = (116.618, 39.927), ["110112013"] = (116.698, 39.932),
        ["110112104"] = (116.730, 39.990), ["110112105"] = (116.710, 39.815), ["110112106"] = (116.800, 39.740),
        ["110112109"] = (116.560, 39.765), ["110112110"] = (116.900, 39.800), ["110112114"] = (116.615, 39.820),
        ["110112117"] = (116.820, 39.660), ["110112119"] = (116.790, 39.890), ["110112120"] = (116.665, 39.960),
        ["110112121"] = (116.590, 39.875), ["110112209"] = (116.700, 39.715),
    };

    public static (List<LayoutRegion> Subdistricts, List<LayoutRegion> Communities) Build(RealLayers real, int seed)
    {
        var f = GeoFactory.Wgs84;
        var outline = real.Outline;
        var core = outline.Intersection(f.ToGeometry(Core));
        var rest = outline.Difference(core);

        var subdistricts = new List<LayoutRegion>();
        var streets = real.Subdistricts.Where(s => s.UnitType == "街道").ToList();
        var towns = real.Subdistricts.Where(s => s.UnitType != "街道").ToList();
        var geoms = new Dictionary<string, Geometry>();
        foreach (var (group, area, jitter) in new[] { (streets, core, 0.006), (towns, rest, 0.012) })
        {
            var rng = Prng.For(seed, "subdistrict-sites", group[0].Code);
            var locator = new IndexedPointInAreaLocator(area);
            var sites = group.Select(s =>
            {
                var (lon, lat) = Anchors.TryGetValue(s.Code, out var a) ? a : (area.InteriorPoint.X, area.InteriorPoint.Y);
                return Inside(locator, lon + rng.Range(-jitter, jitter), lat + rng.Range(-jitter, jitter), rng);
            }).ToList();
            var cells = Voronoi(sites, area);
            for (var i = 0; i < group.Count; i++) geoms[group[i].Code] = cells[i];
        }
        foreach (var s in real.Subdistricts)
        {
            subdistricts.Add(new LayoutRegion
            {
                Level = RegionLevel.Subdistrict, Code = s.Code, Name = s.Name, UnitType = s.UnitType,
                Geom = GeoFactory.AsMultiPolygon(geoms[s.Code]),
                Density = s.UnitType == "街道" ? Density.Urban : Density.Town,
            });
        }

        var communities = new List<LayoutRegion>();
        for (var si = 0; si < subdistricts.Count; si++)
        {
            var parent = subdistricts[si];
            // residents' committees first: they take the sites nearest the town centre, villages the outskirts
            var members = real.Communities.Where(c => c.ParentCode == parent.Code)
                .OrderBy(c => c.UnitType == "社区" ? 0 : 1).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();
            var cells = Partition(parent.Geom, members.Count, Prng.For(seed, "community-sites", parent.Code), parent.Density == Density.Urban);
            for (var i = 0; i < members.Count; i++)
            {
                var c = members[i];
                communities.Add(new LayoutRegion
                {
                    Level = RegionLevel.Community, Code = c.Code, Name = c.Name, UnitType = c.UnitType,
                    Geom = GeoFactory.AsMultiPolygon(cells[i]), ParentIndex = si,
                    Density = c.UnitType == "村" ? Density.Village : parent.Density == Density.Urban ? Density.Urban : Density.Town,
                });
            }
        }
        communities.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return (subdistricts, communities);
    }

    /// <summary>n cells covering <paramref name="area"/>: random sites relaxed twice (Lloyd) so communities
    /// are compact, returned nearest-to-centre first.</summary>
    private static List<Geometry> Partition(Geometry area, int n, Prng rng, bool urban)
    {
        if (n == 1) return [area];
        var sites = new List<Coordinate>();
        var env = area.EnvelopeInternal;
        var locator = new IndexedPointInAreaLocator(area);
        while (sites.Count < n)
        {
            var c = new Coordinate(rng.Range(env.MinX, env.MaxX), rng.Range(env.MinY, env.MaxY));
            if (locator.Locate(c) != Location.Interior) continue;
            if (!sites.Contains(c)) sites.Add(c);
        }
        for (var iteration = 0; iteration < (urban ? 3 : 2); iteration++)
        {
            var cells = Voronoi(sites, area);
            for (var i = 0; i < n; i++)
            {
                var centroid = cells[i].Centroid;
                var p = locator.Locate(centroid.Coordinate) == Location.Interior ? centroid.Coordinate : cells[i].InteriorPoint.Coordinate;
                sites[i] = new Coordinate(p.X, p.Y);
            }
        }
        var centre = area.InteriorPoint.Coordinate;
        sites = sites.OrderBy(s => s.Distance(centre)).ThenBy(s => s.X).ThenBy(s => s.Y).ToList();
        return Voronoi(sites, area);
    }

    /// <summary>The Voronoi cell of each site (same order as <paramref name="sites"/>) clipped to <paramref name="area"/>.</summary>
    private static List<Geometry> Voronoi(IReadOnlyList<Coordinate> sites, Geometry area)
    {
        var f = GeoFactory.Wgs84;
        var clip = new Envelope(area.EnvelopeInternal);
        clip.ExpandBy(0.2);
        var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip };
        builder.SetSites(sites.ToList());
        var diagram = builder.GetDiagram(f);
        var byIndex = new Geometry?[sites.Count];
        var index = sites.Select((s, i) => (s, i)).ToDictionary(p => (p.s.X, p.s.Y), p => p.i);
        foreach (var cell in diagram.Geometries)
        {
            var site = (Coordinate)cell.UserData;
            byIndex[index[(site.X, site.Y)]] = cell;
        }
        return byIndex.Select((cell, i) =>
        {
            var clipped = Polygonal(cell!.Intersection(area));
            if (clipped.IsEmpty) throw new InvalidOperationException($"empty Voronoi cell for site {sites[i]}");
            return clipped;
        }).ToList();
    }

    /// <summary>Keeps the polygons of an overlay result (an intersection may add slivers of lower dimension).</summary>
    public static Geometry Polygonal(Geometry g)
    {
        if (g is Polygon or MultiPolygon) return g;
        var parts = new List<Polygon>();
        for (var i = 0; i < g.NumGeometries; i++)
        {
            switch (g.GetGeometryN(i))
            {
                case Polygon p when !p.IsEmpty: parts.Add(p); break;
                case MultiPolygon mp: parts.AddRange(mp.Geometries.Cast<Polygon>()); break;
            }
        }
        return parts.Count == 1 ? parts[0] : GeoFactory.Wgs84.CreateMultiPolygon(parts.ToArray());
    }

    /// <summary>(lon, lat) when it lies inside <paramref name="area"/>, else a seeded point nearby that does.</summary>
    private static Coordinate Inside(IPointOnGeometryLocator area, double lon, double lat, Prng rng)
    {
        // widen the search slowly, and never beyond a few kilometres: a wider box would only lower the odds
        for (var attempt = 0; attempt < 100_000; attempt++)
        {
            var radius = Math.Min(0.05, 0.0005 * attempt);
            var c = new Coordinate(lon + rng.Range(-radius, radius), lat + rng.Range(-radius, radius));
            if (area.Locate(c) == Location.Interior) return c;
        }
        throw new InvalidOperationException($"no point inside the area near ({lon}, {lat})");
    }
}
