using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written, like the walking network's own migration: a street name on each edge (OSM's <c>name</c> tag,
/// or the synthetic generator's made-up names, which the edge's <c>synthetic</c> flag marks), null where the way has
/// none. Route steps and the basemap's street labels read it.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261208003000_WalkEdgeNames")]
public sealed class WalkEdgeNames : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE walk_edges ADD COLUMN name text;
        ALTER TABLE walk_edges ADD CONSTRAINT ck_walk_edges_name CHECK (name IS NULL OR length(btrim(name)) BETWEEN 1 AND 200);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE walk_edges DROP COLUMN IF EXISTS name;");
}
