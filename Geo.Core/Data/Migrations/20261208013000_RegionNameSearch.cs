using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written: case search looks up the communities and grid cells a text names (IncidentBoard) before it
/// searches the cases: a trigram index keeps that lookup off a scan of every region.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261208013000_RegionNameSearch")]
public sealed class RegionNameSearch : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX IF NOT EXISTS ix_regions_name_trgm ON regions USING gin (name gin_trgm_ops);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP INDEX IF EXISTS ix_regions_name_trgm;");
}
