using Geo.Core.Data.Sql;
using Geo.Core.Domain;

namespace Geo.Core.Tiles;

/// <summary>The ST_AsMVT SQL of every layer. Only constants chosen by zoom (thinning modulus, which
/// sub-layers exist) are spliced into the text; z/x/y, the kind and the tolerance are parameters
/// ($1 z, $2 x, $3 y, then $4). The thinning clauses are literal on purpose: a partial index is only
/// used when the planner can prove its predicate from constants in the query.</summary>
public static class TileSql
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

    /// <summary>Names are dropped below this zoom: thousands of unique strings would dominate the tile.</summary>
    public const int AssetNameMinZoom = 15;

    /// <summary>Keep one asset in N (by id) at zoom z: a tile covers 4x the area per zoom step down, so
    /// 4x thinning per step keeps the points per tile about constant (the z16 density) at every zoom.
    /// 1 = every asset. Ids are assigned in load order, not by place, so "id % N" is a spatially even sample.</summary>
    public static int ThinningModulus(int z) => z switch
    {
        >= 16 => 1,
        15 => 4,
        14 => 16,
        13 => 64,
        12 => 256,
        11 => 1024,
        _ => 4096,
    };

    /// <summary>About how many features of its kind one feature in a tile stands for at a zoom (the thinning
    /// modulus; rare kinds keep 64 times more, so they stand for fewer): 1 at z16 and above.</summary>
    public static string Represents(int modulus) => modulus <= 1 ? "1"
        : $"CASE WHEN a.kind IN ({Geo.Core.Data.Sql.TileTriggers.RareKinds}) THEN {Math.Max(1, modulus / Geo.Core.Data.Sql.TileTriggers.RareKindAdvantage)} ELSE {modulus} END";

    /// <summary>The thinning rule in words, for TileJSON.</summary>
    public const string ThinningRule =
        "Below z16 point layers are thinned: at zoom z a feature is kept when id % m = 0, with m = 4^(16-z) (4 at z15, 16 at z14, … capped at 4096 " +
        "from z10 down); service stations, vegetable gardens, shelters and civil-defence sites keep m/64. From z16 every feature is in the tile. " +
        "The field 'represents' says about how many features of its kind each kept feature stands for (m, or m/64 for those kinds; 1 from z16).";

    private const string Envelope = "ST_TileEnvelope($1, $2, $3)";
    private static readonly string Query = $"ST_Transform(ST_TileEnvelope($1, $2, $3, margin => {BufferFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}), 4326)";

    /// <summary>Assets: one MVT layer. <paramref name="kind"/> null = the composite of every kind not in
    /// <paramref name="hidden"/>; else $4 is the kind code.</summary>
    public static string Assets(int z, AssetKind? kind, IReadOnlyCollection<AssetKind> hidden)
    {
        var m = ThinningModulus(z);
        var thin = m > 1 ? $"AND {TileTriggers.ThinningPredicate(m, "a.")}" : "";
        var filter = kind is not null ? "AND a.kind = $4"
            : hidden.Count > 0 ? $"AND a.kind NOT IN ({string.Join(", ", hidden.Select(k => $"'{k.Code()}'"))})" : "";
        var name = z >= AssetNameMinZoom ? "a.name, " : "";
        var layer = kind?.Code() ?? TileLayers.AllAssets;
        return $"""
            SELECT COALESCE((SELECT ST_AsMVT(t, '{layer}', {Extent}, 'geom', 'fid') FROM (
                SELECT a.id AS fid, a.id, a.kind, {name}a.status, a.synthetic, {Represents(m)} AS represents,
                       ST_AsMVTGeom(ST_Transform(a.geom, 3857), {Envelope}, {Extent}, {Buffer}, true) AS geom
                FROM assets a
                WHERE a.geom && {Query} {thin} {filter}
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

    /// <summary>The offline basemap: district, subdistricts, communities and grid cells as outlines
    /// (simplified to $4 metres, about one pixel), plus label points; finer levels appear with zoom.</summary>
    public static string Basemap(int z)
    {
        var parts = new List<string> { Regions("district", "'district'") };
        if (z >= SubdistrictMinZoom) parts.Add(Regions("subdistricts", "'subdistrict'"));
        if (z >= CommunityMinZoom) parts.Add(Regions("communities", "'community'"));
        if (z >= GridCellMinZoom) parts.Add(Regions("grid_cells", "'grid_cell'"));
        var labelLevels = new List<string>();
        if (z is >= SubdistrictLabelMinZoom and < CommunityLabelMinZoom + 1) labelLevels.Add("'subdistrict'");
        if (z >= CommunityLabelMinZoom) labelLevels.Add("'community'");
        if (z >= GridCellLabelMinZoom) labelLevels.Add("'grid_cell'");
        if (labelLevels.Count > 0) parts.Add(Labels(string.Join(", ", labelLevels)));
        return "SELECT " + string.Join("\n || ", parts);
    }

    /// <summary>Metres per tile pixel at zoom z (Web Mercator, at the equator): the simplification tolerance.</summary>
    public static double PixelMetres(int z) => 40075016.686 / (1L << z) / Extent;

    private static string Regions(string layer, string level) => $"""
        COALESCE((SELECT ST_AsMVT(t, '{layer}', {Extent}, 'geom', 'id') FROM (
            SELECT r.id, r.code, r.name, r.synthetic,
                   ST_AsMVTGeom(ST_Simplify(ST_Transform(r.geom, 3857), $4, true), {Envelope}, {Extent}, {Buffer}, true) AS geom
            FROM regions r
            WHERE r.level = {level} AND r.geom && {Query}
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
        """;

    private static string Labels(string levels) => $"""
        COALESCE((SELECT ST_AsMVT(t, 'labels', {Extent}, 'geom', 'id') FROM (
            SELECT r.id, r.code, r.name, r.level, r.synthetic,
                   ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(r.geom), 3857), {Envelope}, {Extent}, 0, true) AS geom
            FROM regions r
            WHERE r.level IN ({levels}) AND r.geom && {Query}
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
        """;
}
