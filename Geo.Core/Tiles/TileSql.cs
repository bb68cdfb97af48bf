using Geo.Core.Data.Sql;
using Geo.Core.Domain;

namespace Geo.Core.Tiles;

/// <summary>The ST_AsMVT SQL of every layer. Only constants chosen by zoom (thinning modulus, which
/// sub-layers exist, bin ranges) are spliced into the text; z/x/y, the kind and the tolerance are parameters
/// ($1 z, $2 x, $3 y, then $4).</summary>
public static partial class TileSql
{
    public const int Extent = 4096;
    public const int Buffer = 64;
    public const double BufferFraction = (double)Buffer / Extent;

    public const int SubdistrictMinZoom = 8;
    public const int SubdistrictLabelMinZoom = 10;
    public const int CommunityMinZoom = 12;
    public const int CommunityLabelMinZoom = 13;
    public const int GridCellMinZoom = 14;
    public const int GridCellLabelMinZoom = 16;

    /// <summary>Names are dropped below this zoom: thousands of unique strings would dominate the tile. Up to
    /// <see cref="AssetCells.MaxTileZoom"/> tiles are clusters anyway, so names come with one feature per asset.</summary>
    public const int AssetNameMinZoom = AssetCells.MaxTileZoom + 1;

    // (the basemap's layers and their zooms: TileSql.Basemap.cs)
    private const string Envelope = "ST_TileEnvelope($1, $2, $3)";
    private static readonly string Query = $"ST_Transform(ST_TileEnvelope($1, $2, $3, margin => {BufferFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}), 4326)";

    /// <summary>Assets: one MVT layer. <paramref name="kind"/> null = the composite of every kind not in
    /// <paramref name="hidden"/>; else $4 is the kind code. Up to <see cref="AssetBins.MaxAggregatedZoom"/>
    /// one point per bin and kind with its <c>count</c> (see <see cref="Binned"/>); up to <see cref="AssetCells.MaxTileZoom"/>
    /// 8-pixel clusters of one kind with their <c>count</c>, one asset's id where a cluster is one asset (see
    /// <see cref="Clustered"/>); above it every asset.</summary>
    public static string Assets(int z, AssetKind? kind, IReadOnlyCollection<AssetKind> hidden)
    {
        var filter = KindFilter(kind, hidden, "a.");
        var layer = kind?.Code() ?? TileLayers.AllAssets;
        if (z <= AssetBins.MaxAggregatedZoom) return Binned(z, layer, KindFilter(kind, hidden, "b."));
        if (z <= AssetCells.MaxTileZoom) return Clustered(z, layer, KindFilter(kind, hidden, "c."));
        var name = z >= AssetNameMinZoom ? "a.name, " : "";
        return $"""
            SELECT COALESCE((SELECT ST_AsMVT(t, '{layer}', {Extent}, 'geom', 'fid') FROM (
                SELECT a.id AS fid, a.id, a.kind, {name}a.status, a.synthetic,
                       ST_AsMVTGeom(ST_Transform(a.geom, 3857), {Envelope}, {Extent}, {Buffer}, true) AS geom
                FROM assets a
                WHERE a.geom && {Query} {filter}
            ) t WHERE t.geom IS NOT NULL), ''::bytea)
            """;
    }

    private static string KindFilter(AssetKind? kind, IReadOnlyCollection<AssetKind> hidden, string alias) =>
        kind is not null ? $"AND {alias}kind = $4"
            : hidden.Count > 0 ? $"AND {alias}kind NOT IN ({string.Join(", ", hidden.Select(k => $"'{k.Code()}'"))})" : "";

    /// <summary>A low-zoom asset tile from <c>asset_bins</c>: the tile's 16 × 16 bins are the cells at zoom
    /// z + 4 whose indices fall in the tile's range (a primary-key range scan); below z10, the zoom-14 cells
    /// grouped up; at z14, the finest (zoom-17) cells as they are, 8 × 8 per tile (about 240 m at Tongzhou's
    /// latitude). Each feature is one kind in one bin, at its assets' mean position, with <c>count</c>:
    /// every asset is counted, none is dropped.</summary>
    public static string Binned(int z, string layer, string filter)
    {
        var cz = Math.Clamp(z + AssetBins.BinShift, AssetBins.MinCellZoom, AssetBins.MaxCellZoom);
        var span = 1 << (cz - z);
        var up = Math.Max(0, cz - (z + AssetBins.BinShift));
        return $"""
            SELECT COALESCE((SELECT ST_AsMVT(t, '{layer}', {Extent}, 'geom') FROM (
                SELECT b.kind, sum(b.n)::integer AS count,
                       ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(sum(b.sx) / sum(b.n), sum(b.sy) / sum(b.n)), 4326), 3857),
                                    {Envelope}, {Extent}, {Buffer}, true) AS geom
                FROM asset_bins b
                WHERE b.z = {cz} AND b.x BETWEEN $2 * {span} AND $2 * {span} + {span - 1}
                  AND b.y BETWEEN $3 * {span} AND $3 * {span} + {span - 1} AND b.n > 0 {filter}
                GROUP BY b.kind, b.x >> {up}, b.y >> {up}
            ) t WHERE t.geom IS NOT NULL), ''::bytea)
            """;
    }

    /// <summary>A street-zoom asset tile (z15–z16) from <c>asset_cells</c>: the tile's cells are the one (z16) or four
    /// (z15) key prefixes of its z16 tiles, read by primary key; cells of one kind closer than 8 pixels
    /// (<see cref="AssetCells.ClusterShift"/>) are one feature at their mean position with their <c>count</c>.
    /// A feature of one asset carries that asset's id as the MVT feature id (details come from the API on click);
    /// a cluster of several has none. No name or status: they were most of the bytes. <c>synthetic</c> is true when
    /// any asset in the feature is synthetic. Every asset is counted, none dropped.</summary>
    public static string Clustered(int z, string layer, string filter)
    {
        var span = 1 << (AssetCells.KeyZoom - z);
        var keys = string.Join(", ", from dx in Enumerable.Range(0, span) from dy in Enumerable.Range(0, span)
            select $"(($2 * {span} + {dx})::bigint << 16) | ($3 * {span} + {dy})");
        var up = AssetCells.CellZoom - (z + AssetCells.ClusterShift);
        return $"""
            SELECT COALESCE((SELECT ST_AsMVT(t, '{layer}', {Extent}, 'geom', 'fid') FROM (
                SELECT CASE WHEN sum(c.n) = 1 THEN sum(c.sid)::bigint END AS fid, c.kind, sum(c.n)::integer AS count, sum(c.ns) > 0 AS synthetic,
                       ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(sum(c.sx) / sum(c.n), sum(c.sy) / sum(c.n)), 4326), 3857),
                                    {Envelope}, {Extent}, {Buffer}, true) AS geom
                FROM asset_cells c
                WHERE c.t = ANY (ARRAY[{keys}]) AND c.n > 0 {filter}
                GROUP BY c.kind, c.x >> {up}, c.y >> {up}
            ) t WHERE t.geom IS NOT NULL), ''::bytea)
            """;
    }

    /// <summary>The same tile without thinning and with every attribute: what a generic table tile server
    /// (pg_tileserv) serves. Only the benchmark uses it, as the peer to beat.</summary>
    public static string NaiveAssets() => $"""
        SELECT COALESCE((SELECT ST_AsMVT(t, 'assets', {Extent}, 'geom') FROM (
            SELECT a.id, a.kind, a.name, a.status, a.source, a.external_id, a.community_id, a.grid_cell_id,
                   a.created_at, a.updated_at, a.synthetic, a.attributes::text AS attributes,
                   ST_AsMVTGeom(ST_Transform(a.geom, 3857), {Envelope}, {Extent}, {Buffer}, true) AS geom
            FROM assets a
            WHERE a.geom && {Query}
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
        """;

    /// <summary>Metres per tile pixel at zoom z (Web Mercator, at the equator): the simplification tolerance.</summary>
    public static double PixelMetres(int z) => 40075016.686 / (1L << z) / Extent;
}
