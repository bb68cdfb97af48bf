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
    [InlineData(16, "ix_assets_geom|ix_assets_kind_geom")] // unthinned: either full spatial index will do
    public async Task Tile_query_uses_the_thinning_index_of_its_zoom(int z, string index)
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
        var text = string.Join("\n", plan);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b({index})\b"), $"z{z} should use {index}:\n{text}");
    }
}
