using Geo.Core.Tiles;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>The low-zoom asset tiles read the partial GiST indexes: their predicates only match when the
/// tile SQL repeats them exactly, and a silent mismatch would make z10 tiles read every row.</summary>
public sealed class TileThinningIndexTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Theory]
    [InlineData(10, "ix_assets_geom_thin4096")]
    [InlineData(12, "ix_assets_geom_thin256")]
    [InlineData(15, "ix_assets_geom_thin4")]
    public async Task Tile_query_uses_the_thinning_index_of_its_zoom(int z, string index)
    {
        var text = await PlanAsync(z);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b({index})\b"), $"z{z} should use {index}:\n{text}");
    }

    /// <summary>From z16 on nothing is thinned: the tile reads a full (non-partial) GiST index over the geometry.
    /// Which of the two full ones (geom, or kind + geom) the planner takes is its business; that it is a full
    /// spatial index, and never a thinning one or a sequential scan, is ours.</summary>
    [Fact]
    public async Task Unthinned_tiles_read_a_full_spatial_index()
    {
        var text = await PlanAsync(16);
        await using var conn = await db.DataSource.OpenConnectionAsync();
        var used = System.Text.RegularExpressions.Regex.Matches(text, @"(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:Backward )?(?:using|on) (\w+)")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(used.Count > 0, $"z16 reads no index:\n{text}");
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
