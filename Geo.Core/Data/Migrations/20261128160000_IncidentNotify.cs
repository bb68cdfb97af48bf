using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only, no model change): NOTIFY on incident inserts and updates, so open
/// dispatch boards update without reload. See <see cref="Sql.IncidentTriggers"/>.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261128160000_IncidentNotify")]
public sealed class IncidentNotify : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql.IncidentTriggers.Create);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql.IncidentTriggers.Drop);
}
