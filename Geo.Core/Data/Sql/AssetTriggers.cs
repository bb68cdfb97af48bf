namespace Geo.Core.Data.Sql;

/// <summary>Database-side rules that EF cannot express: spatial region assignment and updated_at.</summary>
public static class AssetTriggers
{
    public const string Create = """
        CREATE OR REPLACE FUNCTION geo_assign_asset_regions() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            probe geometry;
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                NEW.updated_at := now();
                NEW.created_at := OLD.created_at;
                IF ST_AsEWKB(NEW.geom) IS DISTINCT FROM ST_AsEWKB(OLD.geom) AND NEW.grid_cell_id IS NOT DISTINCT FROM OLD.grid_cell_id THEN
                    NEW.grid_cell_id := NULL;
                    NEW.community_id := NULL;
                END IF;
            END IF;
            -- an invalid geometry is left to ck_assets_geom_valid, which names the rule broken
            IF NOT ST_IsValid(NEW.geom) OR ST_IsEmpty(NEW.geom) THEN
                RETURN NEW;
            END IF;
            IF NEW.grid_cell_id IS NULL OR NEW.community_id IS NULL THEN
                probe := CASE WHEN ST_Dimension(NEW.geom) = 0 AND ST_NumGeometries(NEW.geom) = 1
                              THEN NEW.geom ELSE ST_PointOnSurface(NEW.geom) END;
                IF NEW.grid_cell_id IS NULL THEN
                    SELECT r.id, r.parent_id INTO NEW.grid_cell_id, NEW.community_id
                    FROM regions r
                    WHERE r.level = 'grid_cell' AND ST_Intersects(r.geom, probe)
                    ORDER BY r.id LIMIT 1;
                END IF;
                IF NEW.community_id IS NULL THEN
                    SELECT r.id INTO NEW.community_id
                    FROM regions r
                    WHERE r.level = 'community' AND ST_Intersects(r.geom, probe)
                    ORDER BY r.id LIMIT 1;
                END IF;
            END IF;
            RETURN NEW;
        END
        $fn$;

        CREATE TRIGGER trg_assets_assign_regions
            BEFORE INSERT OR UPDATE ON assets
            FOR EACH ROW EXECUTE FUNCTION geo_assign_asset_regions();

        CREATE OR REPLACE FUNCTION geo_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            NEW.updated_at := now();
            RETURN NEW;
        END
        $fn$;

        CREATE TRIGGER trg_regions_touch
            BEFORE UPDATE ON regions
            FOR EACH ROW EXECUTE FUNCTION geo_touch_updated_at();
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS trg_assets_assign_regions ON assets;
        DROP TRIGGER IF EXISTS trg_regions_touch ON regions;
        DROP FUNCTION IF EXISTS geo_assign_asset_regions();
        DROP FUNCTION IF EXISTS geo_touch_updated_at();
        """;
}
