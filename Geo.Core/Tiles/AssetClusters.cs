using System.Globalization;
using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Data.Sql;
using Geo.Core.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Tiles;

/// <summary>A view to cluster: its box in lon/lat, the map's (integer, Web Mercator, 256 px tile) zoom and the kinds shown.</summary>
public sealed record ClusterRequest(double MinLon, double MinLat, double MaxLon, double MaxLat, int Zoom, IReadOnlyList<AssetKind> Kinds);

/// <summary>One bubble: <see cref="Count"/> assets at their mean position, <see cref="Kinds"/> by kind (largest first),
/// <see cref="Size"/> its side in screen pixels, <see cref="Bounds"/> (minLon, minLat, maxLon, maxLat) the grid cells it
/// gathers (a tap zooms there).</summary>
public sealed record AssetCluster(double Lon, double Lat, int Count, string Dominant, IReadOnlyList<KindShare> Kinds, int Size, double[] Bounds);

public sealed record KindShare(string Kind, int Count);

/// <summary>The answer: <see cref="Covered"/> is the request's box grown to whole grid cells, the area every
/// counted asset lies in (bins are all or nothing); <see cref="Total"/> = the sum of the clusters' counts.</summary>
public sealed record ClusterResult(int Zoom, int CellPx, double[] Covered, int Total, IReadOnlyList<AssetCluster> Clusters);

/// <summary>The map's low-zoom assets (below street zoom <see cref="MaxZoom"/> + 1) as count bubbles that never overlap,
/// for GET /api/assets/clusters and the map component alike.
/// <para>Counts come from <c>asset_bins</c> (kept exact by triggers): the view is cut into cells of
/// <see cref="CellPx"/> screen pixels (cells of zoom z + 2, read as an index range, rolled up from the zoom-14 cells
/// below zoom 12), every cell with assets of the shown kinds becomes a bubble at its assets' mean position, and bubbles
/// whose boxes would touch are merged (count-weighted) until none does. So every asset in the covered cells is counted
/// once and nothing is dropped, and a screen of W × H pixels holds at most ⌈(W + 2·64) / 44⌉ × ⌈(H + 2·64) / 44⌉
/// bubbles (non-overlapping boxes of at least 44 px): 276 on a 390 × 844 phone. A grid of squares rather than
/// hexagons: the bins are squares already, and merged bubbles sit where the assets are, not on a lattice.</para>
/// <para>Who sees what is <see cref="SensitiveLayers"/>: the kinds asked for are cut to those the viewer may see.</para></summary>
public sealed class AssetClusters(NpgsqlDataSource primary, AccessOptions access)
{
    /// <summary>Clusters are for zooms up to here; from street zoom (15) the map draws single assets.</summary>
    public const int MaxZoom = AssetBins.MaxAggregatedZoom;
    public const int MinZoom = 0;
    /// <summary>log2 of cells per 256 px tile side: 4 × 4 cells of 64 px.</summary>
    public const int CellShift = 2;
    public const int CellPx = 256 >> CellShift;
    /// <summary>The largest view side accepted, in pixels at the request's zoom (a 4K screen).</summary>
    public const int MaxViewPx = 4096;
    /// <summary>Bubble sides by count; the smallest is a 44 px tap target.</summary>
    public const int MinSize = 44, MaxSize = 60;
    /// <summary>Clear pixels kept between two bubbles' boxes.</summary>
    public const int Gap = 2;

    public static void Validate(ClusterRequest r)
    {
        if (r.Zoom is < MinZoom or > MaxZoom)
            throw GeoException.BadInput("zoom", $"'zoom' must be between {MinZoom} and {MaxZoom} (from street zoom {MaxZoom + 1} the map shows single assets), got {r.Zoom}");
        double[] box = [r.MinLon, r.MinLat, r.MaxLon, r.MaxLat];
        if (box.Any(v => !double.IsFinite(v)) || r.MinLon < -180 || r.MaxLon > 180 || r.MinLat < -85.05 || r.MaxLat > 85.05)
            throw GeoException.BadInput("bbox", "'bbox' must be minLon,minLat,maxLon,maxLat within [-180, 180] × [-85.05, 85.05] (Web Mercator)");
        if (r.MinLon > r.MaxLon || r.MinLat > r.MaxLat)
            throw GeoException.BadInput("bbox", "'bbox' is inverted: the lower corner must come first (min <= max on both axes)");
        var w = MercX(r.MaxLon, r.Zoom + 8) - MercX(r.MinLon, r.Zoom + 8);
        var h = MercY(r.MinLat, r.Zoom + 8) - MercY(r.MaxLat, r.Zoom + 8);
        if (w > MaxViewPx || h > MaxViewPx)
            throw GeoException.BadInput("bbox", string.Create(CultureInfo.InvariantCulture,
                $"'bbox' is {w:0} × {h:0} px at zoom {r.Zoom}: each side may be at most {MaxViewPx} px (zoom in, or ask for a smaller box)"));
        if (r.Kinds.Count == 0) throw GeoException.BadInput("kinds", "'kinds' is empty");
    }

    /// <summary>The bubbles of the view for <paramref name="viewer"/> (null: anonymous).</summary>
    /// <param name="readFrom">where this request may read (the API's lag-tolerant routing to a standby); null: the primary</param>
    public async Task<ClusterResult> ClusterAsync(ClusterRequest r, ClaimsPrincipal? viewer, NpgsqlDataSource? readFrom = null, CancellationToken ct = default)
    {
        Validate(r);
        var kinds = r.Kinds.Where(k => SensitiveLayers.CanSee(viewer, access.ExposeSensitiveLayers, k)).Select(k => k.Code()).Distinct().ToArray();
        var g = r.Zoom + CellShift;
        var (x0, x1) = (Cell(MercX(r.MinLon, g), g), Cell(MercX(r.MaxLon, g), g));
        var (y0, y1) = (Cell(MercY(r.MaxLat, g), g), Cell(MercY(r.MinLat, g), g));
        double[] covered = [CellLon(x0, g), CellLat(y1 + 1, g), CellLon(x1 + 1, g), CellLat(y0, g)];
        var cells = kinds.Length == 0 ? [] : await CellsAsync(readFrom ?? primary, g, x0, x1, y0, y1, kinds, ct);
        var clusters = Merge(cells, r.Zoom).Select(c => c.ToCluster(g)).ToList();
        return new ClusterResult(r.Zoom, CellPx, covered, clusters.Sum(c => c.Count), clusters);
    }

    /// <summary>Per cell of zoom <paramref name="g"/> in the range and kind: count and coordinate sums. A primary-key range
    /// scan of asset_bins at the finest stored cell zoom that is not finer than g (rolled up by shifting the indices).</summary>
    private static async Task<List<Cluster>> CellsAsync(NpgsqlDataSource ds, int g, int x0, int x1, int y0, int y1, string[] kinds, CancellationToken ct)
    {
        var src = Math.Clamp(g, AssetBins.MinCellZoom, AssetBins.MaxCellZoom);
        var up = src - g; // g <= 16 < MaxCellZoom, so src >= g
        const string sql = """
            SELECT b.x >> $2 AS cx, b.y >> $2 AS cy, b.kind, sum(b.n)::integer, sum(b.sx), sum(b.sy)
            FROM asset_bins b
            WHERE b.z = $1 AND b.x BETWEEN $3 AND $4 AND b.y BETWEEN $5 AND $6 AND b.n > 0 AND b.kind = ANY($7)
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, 3
            """;
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (short)src, NpgsqlDbType = NpgsqlDbType.Smallint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = up, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = x0 << up, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ((x1 + 1) << up) - 1, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = y0 << up, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ((y1 + 1) << up) - 1, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var byCell = new Dictionary<(int, int), Cluster>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetInt32(0), reader.GetInt32(1));
            if (!byCell.TryGetValue(key, out var c)) byCell[key] = c = new Cluster(key.Item1, key.Item2);
            c.Add(reader.GetString(2), reader.GetInt32(3), reader.GetDouble(4), reader.GetDouble(5));
        }
        return [.. byCell.Values];
    }

    /// <summary>Merges bubbles until no two boxes (plus <see cref="Gap"/>) overlap at <paramref name="zoom"/>. Each pass takes
    /// the bubbles largest first and folds each into the first kept one it touches; a pass without a merge proves the result
    /// (every pair was compared at its final position). The boxes are at most 64 px, so only neighbouring 64 px buckets are searched.</summary>
    internal static List<Cluster> Merge(List<Cluster> cells, int zoom)
    {
        foreach (var c in cells) c.Place(zoom);
        var list = cells;
        bool merged;
        do
        {
            merged = false;
            list.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : a.Px != b.Px ? a.Px.CompareTo(b.Px) : a.Py.CompareTo(b.Py));
            var kept = new List<Cluster>(list.Count);
            var buckets = new Dictionary<(long, long), List<Cluster>>();
            foreach (var c in list)
            {
                var (bx, by) = Bucket(c);
                Cluster? into = null;
                for (var dx = -1; dx <= 1 && into is null; dx++)
                {
                    for (var dy = -1; dy <= 1 && into is null; dy++)
                    {
                        if (buckets.TryGetValue((bx + dx, by + dy), out var near)) into = near.FirstOrDefault(k => k.Overlaps(c));
                    }
                }
                if (into is not null)
                {
                    into.Absorb(c, zoom);
                    merged = true;
                    continue;
                }
                kept.Add(c);
                if (!buckets.TryGetValue((bx, by), out var bucket)) buckets[(bx, by)] = bucket = [];
                bucket.Add(c);
            }
            list = kept;
        } while (merged);
        return list;
    }

    private static (long, long) Bucket(Cluster c) => ((long)Math.Floor(c.Px / CellPx), (long)Math.Floor(c.Py / CellPx));

    public static int SizeFor(int count) => count switch { < 10 => MinSize, < 100 => 48, < 1000 => 54, _ => MaxSize };

    /// <summary>Web Mercator position in units of zoom-z cells (the world is 2^z across): <c>floor</c> of it is the cell index
    /// geo_cell_x/geo_cell_y give, and at z = zoom + 8 it is the screen pixel of Leaflet's EPSG:3857 (256 px tiles).</summary>
    public static double MercX(double lon, int z) => (lon + 180.0) / 360.0 * Math.Pow(2, z);

    public static double MercY(double lat, int z)
    {
        var phi = lat * Math.PI / 180.0;
        return (1.0 - Math.Log(Math.Tan(phi) + 1.0 / Math.Cos(phi)) / Math.PI) / 2.0 * Math.Pow(2, z);
    }

    private static int Cell(double v, int z) => (int)Math.Clamp(Math.Floor(v), 0, (1 << z) - 1);

    public static double CellLon(int x, int z) => x / Math.Pow(2, z) * 360.0 - 180.0;

    public static double CellLat(int y, int z) => Math.Atan(Math.Sinh(Math.PI * (1.0 - 2.0 * y / Math.Pow(2, z)))) * 180.0 / Math.PI;

    /// <summary>A bubble being built: cell-range bounds, counts and coordinate sums by kind, and its box on screen.</summary>
    internal sealed class Cluster(int cx, int cy)
    {
        public int X0 = cx, X1 = cx, Y0 = cy, Y1 = cy;
        public readonly Dictionary<string, int> ByKind = new(StringComparer.Ordinal);
        public int Count;
        public double Sx, Sy, Px, Py;
        public int Size;

        public void Add(string kind, int n, double sx, double sy)
        {
            ByKind[kind] = ByKind.GetValueOrDefault(kind) + n;
            Count += n;
            Sx += sx;
            Sy += sy;
        }

        public double Lon => Sx / Count;
        public double Lat => Sy / Count;

        public void Place(int zoom)
        {
            Px = MercX(Lon, zoom + 8);
            Py = MercY(Lat, zoom + 8);
            Size = SizeFor(Count);
        }

        public bool Overlaps(Cluster o)
        {
            var need = (Size + o.Size) / 2.0 + Gap;
            return Math.Abs(Px - o.Px) < need && Math.Abs(Py - o.Py) < need;
        }

        public void Absorb(Cluster o, int zoom)
        {
            foreach (var (k, n) in o.ByKind) ByKind[k] = ByKind.GetValueOrDefault(k) + n;
            Count += o.Count;
            Sx += o.Sx;
            Sy += o.Sy;
            (X0, X1, Y0, Y1) = (Math.Min(X0, o.X0), Math.Max(X1, o.X1), Math.Min(Y0, o.Y0), Math.Max(Y1, o.Y1));
            Place(zoom);
        }

        public AssetCluster ToCluster(int g)
        {
            var kinds = ByKind.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new KindShare(kv.Key, kv.Value)).ToList();
            return new AssetCluster(Lon, Lat, Count, kinds[0].Kind, kinds, Size,
                [CellLon(X0, g), CellLat(Y1 + 1, g), CellLon(X1 + 1, g), CellLat(Y0, g)]);
        }
    }
}
