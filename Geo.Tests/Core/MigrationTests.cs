using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Tests.Core;

public sealed class MigrationTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_create_gist_indexes()
    {
        var name = await PostgisFixture.CreateEmptyDatabaseAsync();
        await using var ds = GeoDb.CreateDataSource(PostgisFixture.WithDatabase(name));
        await using (var ctx = GeoDb.CreateContext(ds))
        {
            await ctx.Database.MigrateAsync();
            Assert.Empty(await ctx.Database.GetPendingMigrationsAsync());
        }
        await using var cmd = ds.CreateCommand("""
            SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
            WHERE tablename IN ('assets', 'regions') AND indexdef ILIKE '%USING gist%'
            """);
        // ix_assets_kind_geom (KindGeomIndex) is gone again: CheaperAssetUpkeep, issue 15
        // ix_regions_grid_cell_geom: grid cells only, for case intake (LiveLoop migration)
        Assert.Equal("ix_assets_geom,ix_regions_geom,ix_regions_grid_cell_geom", await cmd.ExecuteScalarAsync());
        // every index of assets, so an added one is a decision (each is maintained on every imported row)
        await using var all = ds.CreateCommand("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'assets'");
        Assert.Equal("PK_assets,ix_assets_community_id,ix_assets_geom,ix_assets_grid_cell_id,ix_assets_rare_kind_status,ix_assets_updated_at,ux_assets_source_external_id",
            await all.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Assets_are_assigned_to_community_and_grid_cell_by_the_database()
    {
        var (community, cell) = await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "T1", 116.60, 39.90, 0.01);
        await using var ctx = db.CreateContext();
        var asset = new Asset
        {
            Kind = AssetKind.Kiosk, Name = "一键通 1", Source = "test", ExternalId = "k1",
            Geom = GeoFactory.Point(116.605, 39.905), Attributes = new KioskAttributes(),
        };
        ctx.Assets.Add(asset);
        await ctx.SaveChangesAsync();
        var stored = await ctx.Assets.AsNoTracking().SingleAsync(a => a.Id == asset.Id);
        Assert.Equal(cell, stored.GridCellId);
        Assert.Equal(community, stored.CommunityId);

        // moving it outside the cell clears the assignment
        var tracked = await ctx.Assets.SingleAsync(a => a.Id == asset.Id);
        tracked.Geom = GeoFactory.Point(116.70, 39.95);
        await ctx.SaveChangesAsync();
        var moved = await ctx.Assets.AsNoTracking().SingleAsync(a => a.Id == asset.Id);
        Assert.Null(moved.GridCellId);
        Assert.Null(moved.CommunityId);
        Assert.IsType<KioskAttributes>(moved.Attributes);
    }

    [Fact]
    public async Task Database_rejects_invalid_geometry_outside_extent_and_duplicate_source_ids()
    {
        await using var ctx = db.CreateContext();
        var bowtie = GeoFactory.ReadWkt("POLYGON((116.6 39.9, 116.61 39.91, 116.61 39.9, 116.6 39.91, 116.6 39.9))");
        await AssertRejectedAsync("ck_assets_geom_valid", bowtie);
        await AssertRejectedAsync("ck_assets_geom_extent", GeoFactory.Point(121.47, 31.23)); // Shanghai

        ctx.Assets.Add(NewKiosk("dup", GeoFactory.Point(116.6, 39.9)));
        await ctx.SaveChangesAsync();
        await using var ctx2 = db.CreateContext();
        ctx2.Assets.Add(NewKiosk("dup", GeoFactory.Point(116.61, 39.9)));
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => ctx2.SaveChangesAsync());
        Assert.Equal("ux_assets_source_external_id", (ex.InnerException as PostgresException)?.ConstraintName);
    }

    private async Task AssertRejectedAsync(string constraint, Geometry g)
    {
        await using var ctx = db.CreateContext();
        ctx.Assets.Add(NewKiosk(Guid.NewGuid().ToString(), g));
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
        Assert.Equal(constraint, (ex.InnerException as PostgresException)?.ConstraintName);
    }

    private static Asset NewKiosk(string id, Geometry g) => new()
    {
        Kind = AssetKind.Kiosk, Name = "k", Source = "test", ExternalId = id, Geom = g, Attributes = new KioskAttributes(),
    };
}
