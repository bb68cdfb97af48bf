using Geo.Core.Domain;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Geo.Ingest.Generation;

/// <summary>Grid cells (网格) covering each community exactly: a district-wide square lattice clipped to the
/// community, with slivers merged into a neighbour so no cell is much smaller than a third of a square.</summary>
internal static class GridLayout
{
    // one lattice for the whole district, so cells of neighbouring communities line up
    private const double OriginLon = 116.40, OriginLat = 39.48;
    private const double MetresPerDegreeLat = 111_320;
    private static readonly double MetresPerDegreeLon = 111_320 * Math.Cos(39.8 * Math.PI / 180);
    private const double SliverFraction = 0.3;

    /// <summary>Side of a cell in metres: smaller where people live densely.</summary>
    public static double CellSizeM(Density d) => d switch { Density.Urban => 150, Density.Town => 200, _ => 300 };

    public static (List<LayoutRegion> Cells, List<int[]> CellsOfCommunity) Build(IReadOnlyList<LayoutRegion> communities, int seed)
    {
        var cells = new List<LayoutRegion>();
        var ofCommunity = new List<int[]>();
        for (var ci = 0; ci < communities.Count; ci++)
        {
            var community = communities[ci];
            var pieces = Clip(community.Geom, CellSizeM(community.Density));
            var rng = Prng.For(seed, "grid-managers", community.Code);
            var indexes = new int[pieces.Count];
            for (var k = 0; k < pieces.Count; k++)
            {
                if (k >= 999) throw new InvalidOperationException($"community {community.Code} needs more than 999 grid cells");
                var serial = (k + 1).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
                indexes[k] = cells.Count;
                cells.Add(new LayoutRegion
                {
                    Level = RegionLevel.GridCell, Code = community.Code + serial,
                    Name = $"{ShortName(community.Name)}第{serial}网格", Geom = GeoFactory.AsMultiPolygon(pieces[k]),
                    ParentIndex = ci, Density = community.Density,
                    GridManager = SyntheticPeople.Name(rng), GridManagerPhone = SyntheticPeople.Phone(rng),
                });
            }
            ofCommunity.Add(indexes);
        }
        return (cells, ofCommunity);
    }

    /// <summary>Length of the piece's edges lying on the grid line x = <paramref name="at"/> (or y = at). Clipping
    /// copies the square's corner values exactly, so equality finds them; this is the edge shared with the
    /// neighbour across that line, since the community continues on both sides of it.</summary>
    private static double LengthOnLine(Geometry piece, double at, bool vertical)
    {
        var length = 0.0;
        foreach (var ring in Enumerable.Range(0, piece.NumGeometries).Select(n => (Polygon)piece.GetGeometryN(n)).SelectMany(p => p.InteriorRings.Prepend(p.ExteriorRing)))
        {
            var cs = ring.Coordinates;
            for (var m = 1; m < cs.Length; m++)
            {
                if (vertical && cs[m].X == at && cs[m - 1].X == at) length += Math.Abs(cs[m].Y - cs[m - 1].Y);
                if (!vertical && cs[m].Y == at && cs[m - 1].Y == at) length += Math.Abs(cs[m].X - cs[m - 1].X);
            }
        }
        return length;
    }

    private static string ShortName(string name) => new RealCommunity("", name, "", "").ShortName;

    /// <summary>The community cut by the lattice, north-west first (row by row), slivers merged away.</summary>
    private static List<Geometry> Clip(Geometry community, double sizeM)
    {
        var f = GeoFactory.Wgs84;
        var dLon = sizeM / MetresPerDegreeLon;
        var dLat = sizeM / MetresPerDegreeLat;
        var env = community.EnvelopeInternal;
        var prepared = PreparedGeometryFactory.Prepare(community);
        int i0 = (int)Math.Floor((env.MinX - OriginLon) / dLon), i1 = (int)Math.Floor((env.MaxX - OriginLon) / dLon);
        int j0 = (int)Math.Floor((env.MinY - OriginLat) / dLat), j1 = (int)Math.Floor((env.MaxY - OriginLat) / dLat);

        var keys = new List<(int I, int J)>();
        var geoms = new List<Geometry>();
        var byKey = new Dictionary<(int, int), int>();
        for (var j = j1; j >= j0; j--)
        {
            for (var i = i0; i <= i1; i++)
            {
                var square = f.ToGeometry(new Envelope(OriginLon + i * dLon, OriginLon + (i + 1) * dLon, OriginLat + j * dLat, OriginLat + (j + 1) * dLat));
                if (!prepared.Intersects(square)) continue;
                var piece = prepared.Covers(square) ? square : RegionLayout.Polygonal(community.Intersection(square));
                if (piece.IsEmpty || piece.Area <= 0) continue;
                byKey[(i, j)] = geoms.Count;
                keys.Add((i, j));
                geoms.Add(piece);
            }
        }

        // union-find over pieces: a sliver joins the 4-neighbour it shares the longest edge with
        var owner = Enumerable.Range(0, geoms.Count).ToArray();
        int Root(int k) { while (owner[k] != k) k = owner[k] = owner[owner[k]]; return k; }
        var minArea = SliverFraction * dLon * dLat;
        for (var k = 0; k < geoms.Count; k++)
        {
            if (Root(k) != k || geoms[k].Area >= minArea) continue;
            var (i, j) = keys[k];
            var best = -1;
            var bestShared = 0.0;
            foreach (var (ni, nj) in new[] { (i, j + 1), (i - 1, j), (i + 1, j), (i, j - 1) })
            {
                if (!byKey.TryGetValue((ni, nj), out var n)) continue;
                var r = Root(n);
                if (r == k) continue;
                var shared = ni != i
                    ? LengthOnLine(geoms[k], OriginLon + Math.Max(i, ni) * dLon, vertical: true)
                    : LengthOnLine(geoms[k], OriginLat + Math.Max(j, nj) * dLat, vertical: false);
                if (shared > bestShared * (1 + 1e-9)) { best = r; bestShared = shared; }
            }
            if (best < 0) continue;
            geoms[best] = RegionLayout.Polygonal(geoms[best].Union(geoms[k]));
            owner[k] = best;
        }
        return Enumerable.Range(0, geoms.Count).Where(k => Root(k) == k).Select(k => geoms[k]).ToList();
    }
}
