namespace Geo.Core.Data.Sql;

/// <summary>Tile cache invalidation and tile thinning, on the database side. Statement-level triggers
/// (one NOTIFY per statement, not per row: a 1M-row COPY sends one message) publish the extent of the
/// rows a statement changed on channel <see cref="Channel"/> as "table xmin ymin xmax ymax"; the web
/// host's listener evicts the cached and seeded tiles that extent touches.
/// The thinning members below are history: migration TileInvalidation created six partial per-zoom GiST
/// indexes from them, and migration AssetBins drops them (low zooms now count every asset from
/// <see cref="AssetBins"/>). Migrations replay this text, so it stays as it was.</summary>
public static class TileTriggers
{
    public const string Channel = "geo_tiles";

    public static readonly int[] ThinningModuli = [4, 16, 64, 256, 1024, 4096];

    /// <summary>Kinds that are rare and matter to residents (where is the shelter?): thinned 64 times less
    /// than the rest, so every one is drawn from z13 on, yet a data set with thousands of them still
    /// cannot swell a z10 tile.</summary>
    public const string RareKinds = "'service_station', 'vegetable_garden', 'shelter', 'civil_defence'";

    public const int RareKindAdvantage = 64;

    /// <summary>Keep an asset at thinning modulus m: one in m by id, one in m/64 of the rare kinds.</summary>
    public static string ThinningPredicate(int modulus, string alias = "")
    {
        var rare = modulus / RareKindAdvantage;
        return rare <= 1
            ? $"({alias}id % {modulus} = 0 OR {alias}kind IN ({RareKinds}))"
            : $"({alias}id % {modulus} = 0 OR ({alias}kind IN ({RareKinds}) AND {alias}id % {rare} = 0))";
    }

    public static string Create
    {
        get
        {
            var indexes = string.Join("\n", ThinningModuli.Select(m =>
                $"CREATE INDEX ix_assets_geom_thin{m} ON assets USING gist (geom) WHERE {ThinningPredicate(m)};"));
            return $"""
                CREATE OR REPLACE FUNCTION geo_notify_tiles() RETURNS trigger LANGUAGE plpgsql AS $fn$
                DECLARE
                    e box2d;
                BEGIN
                    -- plpgsql plans each statement on first use, so the transition table a branch names
                    -- only has to exist when that branch runs
                    IF TG_OP = 'INSERT' THEN
                        SELECT ST_Extent(geom) INTO e FROM new_rows;
                    ELSIF TG_OP = 'DELETE' THEN
                        SELECT ST_Extent(geom) INTO e FROM old_rows;
                    ELSE
                        SELECT ST_Extent(g) INTO e FROM (SELECT geom AS g FROM new_rows UNION ALL SELECT geom FROM old_rows) s;
                    END IF;
                    IF e IS NOT NULL THEN
                        PERFORM pg_notify('{Channel}', format('%s %s %s %s %s', TG_TABLE_NAME, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)));
                    END IF;
                    RETURN NULL;
                END
                $fn$;

                CREATE TRIGGER trg_assets_tiles_ins AFTER INSERT ON assets REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION geo_notify_tiles();
                CREATE TRIGGER trg_assets_tiles_upd AFTER UPDATE ON assets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION geo_notify_tiles();
                CREATE TRIGGER trg_assets_tiles_del AFTER DELETE ON assets REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION geo_notify_tiles();
                CREATE TRIGGER trg_regions_tiles_ins AFTER INSERT ON regions REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION geo_notify_tiles();
                CREATE TRIGGER trg_regions_tiles_upd AFTER UPDATE ON regions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION geo_notify_tiles();
                CREATE TRIGGER trg_regions_tiles_del AFTER DELETE ON regions REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION geo_notify_tiles();

                {indexes}
                """;
        }
    }

    public static string Drop =>
        string.Join("\n", ThinningModuli.Select(m => $"DROP INDEX IF EXISTS ix_assets_geom_thin{m};")) + """

        DROP TRIGGER IF EXISTS trg_assets_tiles_ins ON assets;
        DROP TRIGGER IF EXISTS trg_assets_tiles_upd ON assets;
        DROP TRIGGER IF EXISTS trg_assets_tiles_del ON assets;
        DROP TRIGGER IF EXISTS trg_regions_tiles_ins ON regions;
        DROP TRIGGER IF EXISTS trg_regions_tiles_upd ON regions;
        DROP TRIGGER IF EXISTS trg_regions_tiles_del ON regions;
        DROP FUNCTION IF EXISTS geo_notify_tiles();
        """;
}
