using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only, no model change): the same guarantees on <c>assets</c>, cheaper per row.
/// <list type="bullet">
/// <item><c>ck_assets_geom_valid</c> / <c>ck_assets_geom_extent</c>: a point is checked with two float
/// comparisons instead of a GEOS round trip. For a non-empty 2D point ST_IsValid only fails on a non-finite
/// coordinate, and <c>x BETWEEN lo AND hi</c> is false for ±Infinity and for NaN (PostgreSQL sorts NaN above
/// every number), so the extent CHECK rejects exactly what ST_IsValid would have; every other geometry
/// (including POINT Z/M variants, whose GeometryType is not 'POINT') keeps ST_IsValid and ST_CoveredBy.</item>
/// <item>the region trigger: inserts that already carry both region ids (the importers assign them in C#)
/// no longer call the plpgsql function at all (a WHEN clause); updates still always run it (updated_at,
/// region reassignment when the geometry moves).</item>
/// </list>
/// The EF model keeps describing the constraints by name; their SQL lives here.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261128162000_CheaperAssetChecks")]
public sealed class CheaperAssetChecks : Migration
{
    public const string GeomValid = "NOT ST_IsEmpty(geom) AND (GeometryType(geom) = 'POINT' OR ST_IsValid(geom))";

    public const string GeomExtent = """
        CASE WHEN GeometryType(geom) = 'POINT'
             THEN ST_X(geom) BETWEEN 116.40 AND 117.06 AND ST_Y(geom) BETWEEN 39.48 AND 40.14
             ELSE ST_CoveredBy(geom, ST_MakeEnvelope(116.40, 39.48, 117.06, 40.14, 4326)) END
        """;

    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql($"""
        ALTER TABLE assets DROP CONSTRAINT ck_assets_geom_valid, DROP CONSTRAINT ck_assets_geom_extent,
            ADD CONSTRAINT ck_assets_geom_valid CHECK ({GeomValid}),
            ADD CONSTRAINT ck_assets_geom_extent CHECK ({GeomExtent});

        DROP TRIGGER IF EXISTS trg_assets_assign_regions ON assets;
        CREATE TRIGGER trg_assets_assign_regions
            BEFORE INSERT ON assets
            FOR EACH ROW WHEN (NEW.grid_cell_id IS NULL OR NEW.community_id IS NULL)
            EXECUTE FUNCTION geo_assign_asset_regions();
        CREATE TRIGGER trg_assets_assign_regions_upd
            BEFORE UPDATE ON assets
            FOR EACH ROW EXECUTE FUNCTION geo_assign_asset_regions();
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE assets DROP CONSTRAINT ck_assets_geom_valid, DROP CONSTRAINT ck_assets_geom_extent,
            ADD CONSTRAINT ck_assets_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
            ADD CONSTRAINT ck_assets_geom_extent CHECK (ST_CoveredBy(geom, ST_MakeEnvelope(116.40, 39.48, 117.06, 40.14, 4326)));

        DROP TRIGGER IF EXISTS trg_assets_assign_regions_upd ON assets;
        DROP TRIGGER IF EXISTS trg_assets_assign_regions ON assets;
        CREATE TRIGGER trg_assets_assign_regions
            BEFORE INSERT OR UPDATE ON assets
            FOR EACH ROW EXECUTE FUNCTION geo_assign_asset_regions();
        """);
}
