using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only, no model change): life-circle completeness at the adult and the elderly pace side by
/// side. Null for runs stored before this migration; the next run fills them.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201150500_LifeCirclePaces")]
public sealed class LifeCirclePaces : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE life_circle_results
            ADD COLUMN completeness_adult double precision CHECK (completeness_adult BETWEEN 0 AND 1),
            ADD COLUMN completeness_elderly double precision CHECK (completeness_elderly BETWEEN 0 AND 1),
            ADD COLUMN share_all7_elderly_pace double precision CHECK (share_all7_elderly_pace BETWEEN 0 AND 1);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE life_circle_results DROP COLUMN completeness_adult, DROP COLUMN completeness_elderly, DROP COLUMN share_all7_elderly_pace;
        """);
}
