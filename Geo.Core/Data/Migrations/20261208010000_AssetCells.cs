using Geo.Core.Data.Sql;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Street-zoom (z15–z16) asset tiles drawn from a summary instead of every asset row (issue 25): the
/// <c>asset_cells</c> table (see <see cref="AssetCells"/>), kept by statement-level triggers like
/// <c>asset_bins</c>, filled from what is there.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261208010000_AssetCells")]
public sealed class AssetCellsMigration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(AssetCells.Create);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(AssetCells.Drop);
}
