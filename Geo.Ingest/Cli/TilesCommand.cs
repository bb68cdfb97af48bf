using System.Diagnostics;
using System.Globalization;
using Geo.Core.Spatial;
using Geo.Core.Tiles;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>`./geo tiles seed --layer L --max-zoom Z [--min-zoom Z0] [--dir tiles] [--expose-sensitive]`:
/// pre-renders every tile of a layer over the district into {dir}/{layer}/{z}/{x}/{y}.pbf, which the
/// web host serves before rendering (and deletes when the data under a tile changes).</summary>
internal static class TilesCommand
{
    private const string Usage = "usage: tiles seed --layer L --max-zoom Z [--min-zoom Z0] [--dir DIR] [--expose-sensitive]";

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string[] args)
    {
        if (args.Length == 0 || args[0] != "seed")
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        string? layerId = null, dir = "tiles";
        int maxZoom = -1, minZoom = 0;
        var exposeSensitive = false;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--layer" when value is not null: layerId = value; i++; break;
                case "--max-zoom" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var z): maxZoom = z; i++; break;
                case "--min-zoom" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var z0): minZoom = z0; i++; break;
                case "--dir" when value is not null: dir = value; i++; break;
                case "--expose-sensitive": exposeSensitive = true; break;
                default:
                    await Console.Error.WriteLineAsync($"bad argument '{args[i]}'{(value is null ? "" : $" '{value}'")}; {Usage}");
                    return 2;
            }
        }
        var layers = new TileLayers(exposeSensitive);
        if (layerId is null || layers.Find(layerId) is not { } layer)
        {
            await Console.Error.WriteLineAsync($"--layer must be one of: {string.Join(", ", layers.All.Select(l => l.Id))}");
            return 2;
        }
        if (maxZoom < minZoom || maxZoom > 18)
        {
            await Console.Error.WriteLineAsync("--max-zoom must be >= --min-zoom and at most 18 (seeding deeper is better left to the cache)");
            return 2;
        }
        var seeded = await SeedAsync(new TileRenderer(dataSource, layers), new TileSeedStore(Path.GetFullPath(dir)), layer, minZoom, maxZoom);
        Console.WriteLine($"seeded {seeded.Tiles} tiles ({seeded.Bytes / 1024.0:F0} KiB) of '{layer.Id}' z{minZoom}-{maxZoom} into {Path.GetFullPath(dir)} in {seeded.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    public static async Task<(int Tiles, long Bytes, TimeSpan Elapsed)> SeedAsync(TileRenderer renderer, TileSeedStore store, TileLayer layer, int minZoom, int maxZoom, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        int tiles = 0;
        long bytes = 0;
        for (var z = minZoom; z <= maxZoom; z++)
        {
            var all = TileAddress.Covering(GeoFactory.DistrictExtent, z).ToList();
            await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (t, c) =>
            {
                var mvt = await renderer.RenderAsync(layer, t, c);
                if (mvt.Length == 0) return; // nothing there: rendering an empty tile on demand is cheap
                await store.WriteAsync(layer.Id, t, mvt, c);
                Interlocked.Increment(ref tiles);
                Interlocked.Add(ref bytes, mvt.Length);
            });
        }
        return (tiles, bytes, sw.Elapsed);
    }
}
