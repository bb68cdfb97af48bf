using Geo.Core.Data.Sql;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>What an inserted asset row costs, cut to what some query uses (the measurements are in
/// BENCHMARKS.md, the ingest history of 2026-12-01):
/// <list type="bullet">
/// <item><c>ix_assets_kind_geom</c> (btree_gist on kind, geom) goes: it was the most expensive index to maintain
/// (about half of all index upkeep of a sorted 200k-row insert) and no plan needs it once the planner stops
/// ANDing a whole-kind bitmap: a one-kind bbox page is a bitmap scan of <c>ix_assets_geom</c> with a kind
/// filter (0.4 ms vs 1.3 ms with the composite index on the 200k bench set).</item>
/// <item><c>ix_assets_kind_status</c> becomes <c>ix_assets_rare_kind_status</c>, partial on the rare kinds
/// (<see cref="AssetIndexes.RareKindFilter"/>): those are still found without a scan, a common kind is not
/// worth an index entry per row.</item>
/// <item><c>geo_asset_bins()</c>: each row's Web Mercator cell is computed once at the finest zoom and the
/// coarser bins are rolled up by shifting (<see cref="AssetBins.CreateRollupFunction"/>): same bins, same
/// counts, less than half the trigger's time.</item>
/// </list></summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201150000_CheaperAssetUpkeep")]
public sealed class CheaperAssetUpkeep : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql($"""
        DROP INDEX IF EXISTS ix_assets_kind_geom;
        DROP INDEX IF EXISTS ix_assets_kind_status;
        CREATE INDEX ix_assets_rare_kind_status ON assets (kind, status) WHERE {AssetIndexes.RareKindFilter};
        {AssetBins.CreateRollupFunction}
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql($"""
        DROP INDEX IF EXISTS ix_assets_rare_kind_status;
        CREATE INDEX ix_assets_kind_status ON assets (kind, status);
        CREATE INDEX ix_assets_kind_geom ON assets USING gist (kind, geom);
        {AssetBins.CreatePerZoomFunction}
        """);
}
