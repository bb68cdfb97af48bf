using Geo.Core.Tiles;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>One mechanism serves the low-zoom asset tiles: the <c>asset_bins</c> summary, read by its primary
/// key range, never the assets table (which used to need six partial per-zoom GiST indexes); z15–z16 the
/// <c>asset_cells</c> summary, by primary key; from z17 the tiles read a full spatial index of assets.</summary>
public sealed class TileThinningIndexTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task Low_zoom_tiles_read_the_bins_by_primary_key_and_never_assets(int z)
    {
        var text = await PlanAsync(z);
        Assert.Matches(@"Index (Only )?Scan using asset_bins_pkey", text);
        Assert.DoesNotContain(" on assets", text);
    }

    [Fact]
    public async Task No_partial_thinning_index_is_left_on_assets()
    {
        // the one partial index left is the btree of rare kinds (ix_assets_rare_kind_status), no spatial one
        await using var cmd = db.DataSource.CreateCommand("SELECT count(*) FROM pg_indexes WHERE tablename = 'assets' AND indexdef ILIKE '% WHERE %' AND indexdef ILIKE '%USING gist%'");
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
    }

    /// <summary>Street zooms read the <c>asset_cells</c> summary by its primary key (one z16 key prefix, four at z15),
    /// never the assets table.</summary>
    [Theory]
    [InlineData(15)]
    [InlineData(16)]
    public async Task Street_zoom_tiles_read_the_cells_by_primary_key_and_never_assets(int z)
    {
        var text = await PlanAsync(z);
        Assert.Matches(@"(Index (Only )?Scan using|Bitmap Index Scan on) asset_cells_pkey", text);
        Assert.DoesNotContain(" on assets", text);
    }

    /// <summary>From z17 on every asset is drawn: the tile reads a full (non-partial) GiST index over the geometry.
    /// (ix_assets_geom; the composite kind + geom one was dropped in issue 15), never a sequential scan.</summary>
    [Theory]
    [InlineData(17)]
    [InlineData(18)]
    public async Task Unaggregated_tiles_read_a_full_spatial_index(int z)
    {
        var text = await PlanAsync(z);
        await using var conn = await db.DataSource.OpenConnectionAsync();
        var used = System.Text.RegularExpressions.Regex.Matches(text, @"(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:Backward )?(?:using|on) (\w+)")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(used.Count > 0, $"z{z} reads no index:\n{text}");
        foreach (var name in used)
        {
            await using var def = conn.CreateCommand();
            def.CommandText = "SELECT indexdef FROM pg_indexes WHERE tablename = 'assets' AND indexname = $1";
            def.Parameters.AddWithValue(name);
            var sql = (string?)await def.ExecuteScalarAsync() ?? "";
            Assert.Contains("USING gist", sql);
            Assert.Contains("geom", sql);
            Assert.DoesNotContain(" WHERE ", sql);
        }
    }

    /// <summary>EXPLAIN of the composite layer's tile query at zoom <paramref name="z"/>, sequential scans off.</summary>
    private async Task<string> PlanAsync(int z)
    {
        var layers = new TileLayers(exposeSensitive: false);
        var renderer = new TileRenderer(db.DataSource, layers);
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await using (var off = conn.CreateCommand()) { off.CommandText = "SET enable_seqscan = off"; await off.ExecuteNonQueryAsync(); }
        var (x, y) = TileAddress.TileOf(116.70, 39.90, z);
        await using var tile = renderer.CreateCommand(layers.Find("assets")!, new TileAddress(z, x, y));
        await using var explain = conn.CreateCommand();
        explain.CommandText = "EXPLAIN " + tile.CommandText;
        foreach (Npgsql.NpgsqlParameter p in tile.Parameters) explain.Parameters.Add(p.Clone());
        var plan = new List<string>();
        await using (var r = await explain.ExecuteReaderAsync())
            while (await r.ReadAsync()) plan.Add(r.GetString(0));
        return string.Join("\n", plan);
    }
}
