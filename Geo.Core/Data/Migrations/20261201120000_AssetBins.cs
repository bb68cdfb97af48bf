using Geo.Core.Data.Sql;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only, no model change): low-zoom asset tiles count every asset from the
/// <c>asset_bins</c> summary (see <see cref="AssetBins"/>) instead of drawing one in 4..4096 by id, so the
/// six partial per-zoom thinning GiST indexes, maintained on every insert, go.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201120000_AssetBins")]
public sealed class AssetBinsMigration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(
        string.Join("\n", TileTriggers.ThinningModuli.Select(m => $"DROP INDEX IF EXISTS ix_assets_geom_thin{m};")) + "\n" + AssetBins.Create);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(
        AssetBins.Drop + "\n" + string.Join("\n", TileTriggers.ThinningModuli.Select(m =>
            $"CREATE INDEX ix_assets_geom_thin{m} ON assets USING gist (geom) WHERE {TileTriggers.ThinningPredicate(m)};")));
}
