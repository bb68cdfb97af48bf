using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Geo.Core.Data.Migrations
{
    /// <summary>A composite GiST index on (kind, geom) through btree_gist, for the OGC items query
    /// "kind = X AND geom in bbox ORDER BY id": with only ix_assets_geom and the kind btree, PostgreSQL
    /// ANDs a bitmap of every asset in the box with a bitmap of every asset of the kind (200,000 entries for
    /// one kind on the 1M-asset set). One composite index answers both predicates in one descent, for every
    /// kind present and future (per-kind partial indexes would need a migration per new kind, and only work
    /// when the planner sees the kind as a constant). ix_assets_geom stays for KNN and multi-kind queries
    /// (GiST cannot use kind = ANY(...) as an index condition). Hand-written SQL: the EF model is untouched.</summary>
    [DbContext(typeof(GeoDbContext))]
    [Migration("20261128161000_KindGeomIndex")]
    public partial class KindGeomIndex : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS btree_gist;
                CREATE INDEX IF NOT EXISTS ix_assets_kind_geom ON assets USING gist (kind, geom);
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // btree_gist stays: other objects may have come to depend on it
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_assets_kind_geom;");
        }
    }
}
