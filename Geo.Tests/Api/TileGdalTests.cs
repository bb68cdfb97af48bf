using System.Diagnostics;
using System.Text.RegularExpressions;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Geo.Ingest.Cli;
using Geo.Tests.Infrastructure;
using static Geo.Tests.Api.TileTestSupport;

namespace Geo.Tests.Api;

/// <summary>An independent reader: GDAL's MVT driver (ogrinfo) opens our tiles and counts what the database counts.</summary>
public sealed partial class TileGdalTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Ogrinfo_reads_tiles_and_counts_match_the_database_within_the_tile()
    {
        var t = Z16;
        var rnd = new Random(11);
        var kinds = new[] { AssetKind.WifiHotspot, AssetKind.Shop, AssetKind.Kiosk, AssetKind.Shelter };
        await using (var ctx = db.CreateContext())
        {
            // spread over the tile and its neighbours, so the tile edge and buffer matter
            ctx.AddRange(Enumerable.Range(0, 200).Select(i =>
            {
                var p = Inside(t, -0.5 + 2 * rnd.NextDouble(), -0.5 + 2 * rnd.NextDouble());
                return AssetFixtures.Point(kinds[i % kinds.Length], $"资产{i}", p.Lon, p.Lat);
            }));
            await ctx.SaveChangesAsync();
        }
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        using (var dir = new TempDir("geo-mvt-"))
        {
            foreach (var z in new[] { 16, 13 })
            {
                var (lon, lat) = Inside(t, 0.5, 0.5);
                var tz = Tile(lon, lat, z);
                // GDAL takes the tile address from a z/x/y path
                var path = Path.Combine(dir.Path, $"{tz.Z}", $"{tz.X}", $"{tz.Y}.pbf");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, await http.GetByteArrayAsync($"/tiles/assets/{tz}.pbf"));

                var output = await OgrinfoAsync(path, features: z <= Geo.Core.Data.Sql.AssetCells.MaxTileZoom);
                var count = int.Parse(FeatureCount().Match(output).Groups[1].Value);
                Assert.Contains("Layer name: assets", output);

                // z16 (8-pixel clusters) and z13 (bins): features with a count, which partition the tile exactly (no
                // buffer), summed; the other branch (z17+: one feature per asset in the tile or its 64-pixel buffer) is kept for reference
                await using var cmd = db.DataSource.CreateCommand("""
                    WITH e AS (SELECT ST_TileEnvelope($1, $2, $3) AS env), p AS (
                        SELECT a.id, a.kind, ST_Transform(a.geom, 3857) AS g, e.env FROM assets a, e)
                    SELECT count(*) FROM p
                    WHERE CASE WHEN $4 THEN ST_X(g) >= ST_XMin(env) AND ST_X(g) < ST_XMax(env) AND ST_Y(g) > ST_YMin(env) AND ST_Y(g) <= ST_YMax(env)
                      ELSE round((ST_X(g) - ST_XMin(env)) / (ST_XMax(env) - ST_XMin(env)) * 4096) BETWEEN -64 AND 4160
                       AND round((ST_YMax(env) - ST_Y(g)) / (ST_YMax(env) - ST_YMin(env)) * 4096) BETWEEN -64 AND 4160 END
                    """);
                cmd.Parameters.AddWithValue(tz.Z); cmd.Parameters.AddWithValue(tz.X); cmd.Parameters.AddWithValue(tz.Y);
                var binned = z <= Geo.Core.Data.Sql.AssetCells.MaxTileZoom;
                cmd.Parameters.AddWithValue(binned);
                var expected = (long)(await cmd.ExecuteScalarAsync())!;
                if (binned)
                {
                    var counted = CountField().Matches(output).Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                    Assert.True(expected == counted, $"z{z}: ogrinfo's counts add up to {counted} in {count} features, the database has {expected}\n{output}");
                    // z13: bins; z16: 8-pixel clusters, which 50-odd spread assets rarely share
                    Assert.True(z == 16 ? count <= counted : count < counted, $"z{z}: {count} features for {counted} assets: not aggregated");
                }
                else Assert.True(expected == count, $"z{z}: ogrinfo counted {count}, the database {expected}\n{output}");
                if (z == 16) Assert.InRange(count, 25, 200);
            }
        }
    }

    [Fact]
    public async Task Ogrinfo_reads_a_tile_over_http_through_vsicurl()
    {
        // /vsicurl/ probes with HEAD first, then GETs: both routes have to answer on a real port
        var t = Z16 with { X = Z16.X + 20 };
        await using (var ctx = db.CreateContext())
        {
            ctx.AddRange(Enumerable.Range(0, 7).Select(i => { var p = Inside(t, 0.1 + 0.1 * i, 0.4); return AssetFixtures.Point(AssetKind.Shop, $"店{i}", p.Lon, p.Lat); }));
            await ctx.SaveChangesAsync();
        }
        await using var app = KestrelGeoApp.Start(db.ConnectionString);
        var output = await OgrinfoAsync($"/vsicurl/{app.BaseUrl}/tiles/shop/{t}.pbf");
        Assert.Contains("Layer name: shop", output);
        Assert.Equal(7, int.Parse(FeatureCount().Match(output).Groups[1].Value));
    }

    [Fact]
    public async Task Seeded_tiles_are_served_first_and_dropped_when_their_assets_change()
    {
        var t = Z16 with { X = Z16.X + 40 };
        var p = Inside(t, 0.5, 0.5);
        await using (var ctx = db.CreateContext())
        {
            ctx.Add(AssetFixtures.Point(AssetKind.Kiosk, "种子终端", p.Lon, p.Lat));
            await ctx.SaveChangesAsync();
        }
        using (var dir = new TempDir("geo-seed-"))
        {
            var layers = new TileLayers(exposeSensitive: false);
            var seeded = await TilesCommand.SeedAsync(new TileRenderer(db.DataSource, layers), new TileSeedStore(dir.Path), layers.Find("assets")!, 16, 16);
            Assert.True(seeded.Tiles >= 1);
            var file = Path.Combine(dir.Path, "assets", "16", $"{t.X}", $"{t.Y}.pbf");
            Assert.True(File.Exists(file));

            await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Geo:Tiles:SeedDirectory"] = dir.Path, ["Geo:Tiles:CacheEnabled"] = "false" });
            var http = app.CreateClient();
            await ListeningAsync(app.Services);
            var res = await http.GetAsync($"/tiles/assets/{t}.pbf");
            Assert.Equal("seed", res.Headers.GetValues("X-Tile-Origin").Single());

            await using (var ctx = db.CreateContext())
            {
                ctx.Add(AssetFixtures.Point(AssetKind.Kiosk, "第二台", p.Lon + 1e-4, p.Lat));
                await ctx.SaveChangesAsync();
            }
            var gone = await EventuallyAsync(() => Task.FromResult(!File.Exists(file)), x => x);
            Assert.True(gone, "the seeded tile under the change was not deleted");
            var fresh = await http.GetAsync($"/tiles/assets/{t}.pbf");
            Assert.Equal("render", fresh.Headers.GetValues("X-Tile-Origin").Single());
            // 1e-4° apart: one 8-pixel cluster or two features, two assets either way
            Assert.Equal(2L, Features(await fresh.Content.ReadAsByteArrayAsync(), t, "assets").Sum(f => Convert.ToInt64(f.Attributes["count"], System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static async Task<string> OgrinfoAsync(string path, bool features = false)
    {
        var psi = new ProcessStartInfo("ogrinfo", features ? ["-ro", "-al", path] : ["-ro", "-so", "-al", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"ogrinfo failed: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex(@"Feature Count: (\d+)")]
    private static partial Regex FeatureCount();

    [GeneratedRegex(@"^\s*count \(\w+\) = (\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CountField();
}
