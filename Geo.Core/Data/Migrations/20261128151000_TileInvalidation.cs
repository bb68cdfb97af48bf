using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only, no model change): tile invalidation triggers and the partial
/// GiST indexes behind low-zoom tile thinning. See <see cref="Sql.TileTriggers"/>.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261128151000_TileInvalidation")]
public sealed class TileInvalidation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql.TileTriggers.Create);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql.TileTriggers.Drop);
}
