namespace Geo.Core.Data.Sql;

/// <summary>The low-zoom summary of <c>assets</c>: how many assets of each kind lie in each Web Mercator
/// cell, with the sum of their coordinates (so a bin's point is its assets' mean position, not the cell's
/// corner), at the cell zooms <see cref="MinCellZoom"/>..<see cref="MaxCellZoom"/>. A tile at zoom z is
/// drawn from the cells at z + <see cref="BinShift"/>: 16 × 16 bins per tile, one point per bin and kind
/// carrying the count, read by primary-key range (no spatial index, no thinning, nothing dropped).
/// Statement-level triggers with transition tables keep it current for every writer (importer, API, EF):
/// one aggregate per statement, so a 1M-row load adds its bins in one INSERT … ON CONFLICT. Deleted assets
/// leave bins at n = 0 (readers skip them) rather than a DELETE per statement; n has no CHECK (n >= 0)
/// because PostgreSQL checks the proposed row of INSERT … ON CONFLICT, a negative delta, before it merges. Replaces the six partial
/// per-zoom thinning GiST indexes.</summary>
public static class AssetBins
{
    /// <summary>Tiles at this zoom and below are aggregated; above it every asset is drawn. Street zoom 14 is
    /// aggregated too (one feature per asset made its tiles a median 689 KiB), from the finest cells.</summary>
    public const int MaxAggregatedZoom = 14;

    public const int MinTileZoom = 0;

    /// <summary>log2 of bins per tile side: 16 bins, 256 tile pixels each.</summary>
    public const int BinShift = 4;

    /// <summary>The cell zooms kept. 17 is fixed (it was 13 + <see cref="BinShift"/> before z14 was aggregated, and the
    /// trigger function and migrations are built from it): a z14 tile is drawn from its 8 × 8 zoom-17 cells.</summary>
    public const int MinCellZoom = 10 + BinShift, MaxCellZoom = 17;

    /// <summary>Below this tile zoom the bins of zoom-10 tiles are re-aggregated (a whole-district tile is cheap either way).</summary>
    public const int MinBinnedTileZoom = 10;

    // the representative point of a geometry: its bounding box centre (a point's own position)
    private const string Rep = "(ST_XMin(geom) + ST_XMax(geom)) / 2 AS lon, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS lat";

    /// <summary>Adds the rows of <paramref name="rows"/> (a SELECT of kind, lon, lat, sign) to their bins, one
    /// net delta per bin (an update that leaves kind and place alone nets to nothing and is skipped). This is the
    /// first version (migration AssetBins replays it): every row's cell computed at every zoom (four ln/tan per row)
    /// and four times the rows grouped.</summary>
    private static string ApplyPerZoom(string rows) => $"""
        INSERT INTO asset_bins AS b (z, x, y, kind, n, sx, sy)
        SELECT l.z, geo_cell_x(p.lon, l.z), geo_cell_y(p.lat, l.z), p.kind, sum(p.sign), sum(p.sign * p.lon), sum(p.sign * p.lat)
        FROM ({rows}) p CROSS JOIN generate_series({MinCellZoom}, {MaxCellZoom}) AS l(z)
        GROUP BY 1, 2, 3, 4
        HAVING sum(p.sign) <> 0 OR sum(p.sign * p.lon) <> 0 OR sum(p.sign * p.lat) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (z, x, y, kind) DO UPDATE SET n = b.n + EXCLUDED.n, sx = b.sx + EXCLUDED.sx, sy = b.sy + EXCLUDED.sy;
        """;

    /// <summary>The same bins as <see cref="ApplyPerZoom"/>, set-wise in two steps: each row's cell is computed
    /// once, at <see cref="MaxCellZoom"/> (one ln/tan per row), the rows are summed per finest cell, and the coarser
    /// cells are those sums rolled up by shifting the cell numbers (floor(v·2^z) = floor(v·2^17) >> (17 − z): scaling
    /// by a power of two is exact in floating point, so a row lands in the same cell at every zoom as before).
    /// Counts are identical; the coordinate sums are added in a different order (equal to rounding). The inner
    /// count is cast back to integer: a sum of bigints is numeric, which made the outer aggregate twice as slow.</summary>
    private static string Apply(string rows) => $"""
        INSERT INTO asset_bins AS b (z, x, y, kind, n, sx, sy)
        SELECT l.z, c.x >> ({MaxCellZoom} - l.z), c.y >> ({MaxCellZoom} - l.z), c.kind, sum(c.n), sum(c.sx), sum(c.sy)
        FROM (SELECT p.kind, geo_cell_x(p.lon, {MaxCellZoom}) AS x, geo_cell_y(p.lat, {MaxCellZoom}) AS y,
                     sum(p.sign)::integer AS n, sum(p.sign * p.lon) AS sx, sum(p.sign * p.lat) AS sy
              FROM ({rows}) p GROUP BY 1, 2, 3) c
        CROSS JOIN generate_series({MinCellZoom}, {MaxCellZoom}) AS l(z)
        GROUP BY 1, 2, 3, 4
        HAVING sum(c.n) <> 0 OR sum(c.sx) <> 0 OR sum(c.sy) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (z, x, y, kind) DO UPDATE SET n = b.n + EXCLUDED.n, sx = b.sx + EXCLUDED.sx, sy = b.sy + EXCLUDED.sy;
        """;

    private static string Rows(string table, int sign) => $"SELECT kind, {Rep}, {sign} AS sign FROM {table}";

    public static string Create => $"""
        CREATE OR REPLACE FUNCTION geo_cell_x(lon double precision, z integer) RETURNS integer
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN least(floor((lon + 180.0) / 360.0 * (1 << z)), (1 << z) - 1)::integer;
        CREATE OR REPLACE FUNCTION geo_cell_y(lat double precision, z integer) RETURNS integer
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN least(floor((1.0 - ln(tan(radians(lat)) + 1.0 / cos(radians(lat))) / pi()) / 2.0 * (1 << z)), (1 << z) - 1)::integer;

        CREATE TABLE asset_bins (
            z smallint NOT NULL, x integer NOT NULL, y integer NOT NULL, kind text NOT NULL,
            n integer NOT NULL, sx double precision NOT NULL, sy double precision NOT NULL,
            PRIMARY KEY (z, x, y, kind)
        );

        CREATE OR REPLACE FUNCTION geo_asset_bins() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            -- plpgsql plans each statement on first use: a branch's transition table only has to exist when it runs
            IF TG_OP = 'INSERT' THEN
                {ApplyPerZoom(Rows("new_rows", 1))}
            ELSIF TG_OP = 'DELETE' THEN
                {ApplyPerZoom(Rows("old_rows", -1))}
            ELSE
                {ApplyPerZoom(Rows("old_rows", -1) + " UNION ALL " + Rows("new_rows", 1))}
            END IF;
            RETURN NULL;
        END
        $fn$;

        CREATE TRIGGER trg_assets_bins_ins AFTER INSERT ON assets REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_bins();
        CREATE TRIGGER trg_assets_bins_upd AFTER UPDATE ON assets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_bins();
        CREATE TRIGGER trg_assets_bins_del AFTER DELETE ON assets REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_bins();

        -- TRUNCATE fires no DELETE trigger (the benchmarks truncate assets)
        CREATE OR REPLACE FUNCTION geo_asset_bins_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            TRUNCATE asset_bins;
            RETURN NULL;
        END
        $fn$;
        CREATE TRIGGER trg_assets_bins_truncate AFTER TRUNCATE ON assets
            FOR EACH STATEMENT EXECUTE FUNCTION geo_asset_bins_truncate();

        -- what is already there (the trigger's INSERT branch over the whole table)
        {ApplyPerZoom(Rows("assets", 1))}
        """;

    /// <summary>Recounts every bin from assets: for writers that bypass triggers (session_replication_role = replica).</summary>
    public static string Rebuild => "TRUNCATE asset_bins;\n" + Apply(Rows("assets", 1));

    /// <summary>The trigger function with the rolled-up aggregate (migration CheaperAssetUpkeep); same name, same triggers.</summary>
    public static string CreateRollupFunction => TriggerFunction(Apply);

    /// <summary>The first version of the trigger function (for the migration's Down).</summary>
    public static string CreatePerZoomFunction => TriggerFunction(ApplyPerZoom);

    /// <summary>geo_asset_bins() over the statement's transition tables, with <paramref name="apply"/> writing the bins.</summary>
    private static string TriggerFunction(Func<string, string> apply) => $"""
        CREATE OR REPLACE FUNCTION geo_asset_bins() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {apply(Rows("new_rows", 1))}
            ELSIF TG_OP = 'DELETE' THEN
                {apply(Rows("old_rows", -1))}
            ELSE
                {apply(Rows("old_rows", -1) + " UNION ALL " + Rows("new_rows", 1))}
            END IF;
            RETURN NULL;
        END
        $fn$;
        """;

    /// <summary>The bins recomputed from <c>assets</c> with the first, per-zoom formula, as a query of
    /// (z, x, y, kind, n, sx, sy) for the tests that compare the trigger-kept table with it.</summary>
    public static string RecountQuery => $"""
        SELECT l.z, geo_cell_x(p.lon, l.z) AS x, geo_cell_y(p.lat, l.z) AS y, p.kind, count(*)::integer AS n, sum(p.lon) AS sx, sum(p.lat) AS sy
        FROM ({Rows("assets", 1)}) p CROSS JOIN generate_series({MinCellZoom}, {MaxCellZoom}) AS l(z)
        GROUP BY 1, 2, 3, 4
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS trg_assets_bins_ins ON assets;
        DROP TRIGGER IF EXISTS trg_assets_bins_upd ON assets;
        DROP TRIGGER IF EXISTS trg_assets_bins_del ON assets;
        DROP TRIGGER IF EXISTS trg_assets_bins_truncate ON assets;
        DROP FUNCTION IF EXISTS geo_asset_bins_truncate();
        DROP FUNCTION IF EXISTS geo_asset_bins();
        DROP TABLE IF EXISTS asset_bins;
        DROP FUNCTION IF EXISTS geo_cell_x(double precision, integer);
        DROP FUNCTION IF EXISTS geo_cell_y(double precision, integer);
        """;
}
