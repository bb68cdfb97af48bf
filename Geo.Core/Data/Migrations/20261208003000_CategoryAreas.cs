using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written: where a case category may be reported. A category with rows here is offered only at points inside
/// one of its regions (a canal-litter category along the canal's communities, say); a category without rows is offered
/// everywhere in the district. Read by <see cref="Geo.Core.Incidents.ReportCategories"/> only (raw SQL, not an EF entity:
/// the rule is one predicate, evaluated in the database beside the point).</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261208003000_CategoryAreas")]
public sealed class CategoryAreas : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        CREATE TABLE incident_category_areas (
            category_code text NOT NULL REFERENCES incident_categories (code) ON DELETE CASCADE,
            region_id bigint NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
            PRIMARY KEY (category_code, region_id));
        CREATE INDEX ix_incident_category_areas_region ON incident_category_areas (region_id);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP TABLE incident_category_areas;");
}
