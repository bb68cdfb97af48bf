namespace Geo.Core.Data.Sql;

/// <summary>The street-zoom summary of <c>assets</c>: per asset kind and Web Mercator cell at zoom
/// <see cref="CellZoom"/> (about 15 m at Tongzhou's latitude, 8 pixels of a z16 tile), how many assets lie there,
/// the sums of their coordinates, of their ids and of the synthetic ones. Keyed first by the z<see cref="KeyZoom"/>
/// tile the cell lies in (<c>t</c> = x16 &lt;&lt; 16 | y16), so a z16 tile is one primary-key prefix and a z15
/// tile four, with no spatial index and no stripe of other tiles read (a (z, x, y) key range would read every
/// y of the x range). Every sum is additive, so the statement-level triggers keep it with one aggregate per
/// statement, deletes included: a cell holding one asset has n = 1 and its id sum <em>is</em> that asset's id, its
/// mean position that asset's position. Kept beside <see cref="AssetBins"/> (z14–z17) rather than as more
/// levels of it: its key is not (z, x, y), and the older migrations are built from that table's constants.</summary>
public static class AssetCells
{
    /// <summary>The cell zoom: 2^21 cells around the world.</summary>
    public const int CellZoom = 21;

    /// <summary>The tile zoom of the key prefix.</summary>
    public const int KeyZoom = 16;

    /// <summary>Asset tiles from <see cref="AssetBins.MaxAggregatedZoom"/> + 1 to this zoom are drawn from the cells.</summary>
    public const int MaxTileZoom = KeyZoom;

    /// <summary>log2 of clusters per tile side at street zoom: 32 × 32 clusters of 8 × 8 pixels (of a 256-pixel tile),
    /// about the size of a drawn dot: points closer than that would overlap, so they are one feature with a count.</summary>
    public const int ClusterShift = 5;

    private const int KeyShift = CellZoom - KeyZoom;

    // the representative point of a geometry: its bounding box centre (a point's own position), as in asset_bins
    private const string Rep = "(ST_XMin(geom) + ST_XMax(geom)) / 2 AS lon, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS lat";

    private static string Rows(string table, int sign) =>
        $"SELECT id, kind, synthetic, {Rep}, {sign} AS sign FROM {table}";

    /// <summary>Adds the rows of <paramref name="rows"/> to their cells, one net delta per cell (an update that leaves
    /// kind, place, id and the synthetic flag alone nets to nothing and is skipped).</summary>
    private static string Apply(string rows) => $"""
        INSERT INTO asset_cells AS b (t, x, y, kind, n, sx, sy, sid, ns)
        SELECT ((c.x >> {KeyShift})::bigint << 16) | (c.y >> {KeyShift}), c.x, c.y, c.kind, c.n, c.sx, c.sy, c.sid, c.ns
        FROM (SELECT p.kind, geo_cell_x(p.lon, {CellZoom}) AS x, geo_cell_y(p.lat, {CellZoom}) AS y,
                     sum(p.sign)::integer AS n, sum(p.sign * p.lon) AS sx, sum(p.sign * p.lat) AS sy,
                     sum(p.sign * p.id)::bigint AS sid, sum(CASE WHEN p.synthetic THEN p.sign ELSE 0 END)::integer AS ns
              FROM ({rows}) p GROUP BY 1, 2, 3) c
        WHERE c.n <> 0 OR c.sx <> 0 OR c.sy <> 0 OR c.sid <> 0 OR c.ns <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (t, x, y, kind) DO UPDATE SET n = b.n + EXCLUDED.n, sx = b.sx + EXCLUDED.sx, sy = b.sy + EXCLUDED.sy,
            sid = b.sid + EXCLUDED.sid, ns = b.ns + EXCLUDED.ns;
        """;

    /// <summary>The table, its triggers, and the cells of what is already there (migration AssetCells).</summary>
    public static string Create => $"""
        CREATE TABLE asset_cells (
            t bigint NOT NULL, x integer NOT NULL, y integer NOT NULL, kind text NOT NULL,
            n integer NOT NULL, sx double precision NOT NULL, sy double precision NOT NULL,
            sid bigint NOT NULL, ns integer NOT NULL,
            PRIMARY KEY (t, x, y, kind)
        );

        CREATE OR REPLACE FUNCTION geo_asset_cells() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {Apply(Rows("new_rows", 1))}
            ELSIF TG_OP = 'DELETE' THEN
                {Apply(Rows("old_rows", -1))}
            ELSE
                {Apply(Rows("old_rows", -1) + " UNION ALL " + Rows("new_rows", 1))}
            END IF;
            RETURN NULL;
        END
        $fn$;

        CREATE TRIGGER trg_assets_cells_ins AFTER INSERT ON assets REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_cells();
        CREATE TRIGGER trg_assets_cells_upd AFTER UPDATE ON assets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_cells();
        CREATE TRIGGER trg_assets_cells_del AFTER DELETE ON assets REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_cells();

        CREATE OR REPLACE FUNCTION geo_asset_cells_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            TRUNCATE asset_cells;
            RETURN NULL;
        END
        $fn$;
        CREATE TRIGGER trg_assets_cells_truncate AFTER TRUNCATE ON assets
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_cells_truncate();

        {Apply(Rows("assets", 1))}
        """;

    /// <summary>Recounts every cell from assets: for writers that bypass triggers (session_replication_role = replica).</summary>
    public static string Rebuild => "TRUNCATE asset_cells;\n" + Apply(Rows("assets", 1));

    /// <summary>The cells recomputed from <c>assets</c> by PostGIS's own tile arithmetic (ST_TileEnvelope is not used per
    /// row; the slippy-map formula on the point), as (t, x, y, kind, n, sx, sy, sid, ns) for the tests.</summary>
    public static string RecountQuery => $"""
        SELECT ((geo_cell_x(p.lon, {KeyZoom})::bigint) << 16) | geo_cell_y(p.lat, {KeyZoom}) AS t,
               geo_cell_x(p.lon, {CellZoom}) AS x, geo_cell_y(p.lat, {CellZoom}) AS y, p.kind,
               count(*)::integer AS n, sum(p.lon) AS sx, sum(p.lat) AS sy, sum(p.id)::bigint AS sid,
               count(*) FILTER (WHERE p.synthetic)::integer AS ns
        FROM ({Rows("assets", 1)}) p
        GROUP BY 1, 2, 3, 4
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS trg_assets_cells_ins ON assets;
        DROP TRIGGER IF EXISTS trg_assets_cells_upd ON assets;
        DROP TRIGGER IF EXISTS trg_assets_cells_del ON assets;
        DROP TRIGGER IF EXISTS trg_assets_cells_truncate ON assets;
        DROP FUNCTION IF EXISTS geo_asset_cells_truncate();
        DROP FUNCTION IF EXISTS geo_asset_cells();
        DROP TABLE IF EXISTS asset_cells;
        """;
}
