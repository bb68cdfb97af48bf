using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Geo.Core.Walking;
using Geo.Ingest.Network;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>./geo network generate [--seed N] [--scale S] [--boundary FILE] | network import FILE.osm|.osm.pbf | network ensure</summary>
public static class NetworkCli
{
    public const string DefaultBoundary = "data/boundary/tongzhou_wgs84.geojson";

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string[] args)
    {
        var sw = Stopwatch.StartNew();
        WalkNetwork network;
        switch (args.FirstOrDefault())
        {
            case "ensure":
                // ./geo run: generate the demo network once; a loaded (generated or imported) network is kept
                await using (var cmd = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM walk_edges)"))
                {
                    if ((bool)(await cmd.ExecuteScalarAsync())!)
                    {
                        Console.WriteLine("walking network present");
                        return 0;
                    }
                }
                return await RunAsync(dataSource, ["generate", .. args[1..]]);
            case "generate":
                if (!int.TryParse(Option(args, "--seed") ?? "42", NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
                {
                    await Console.Error.WriteLineAsync("--seed must be an integer");
                    return 2;
                }
                if (!double.TryParse(Option(args, "--scale") ?? "1", NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) || scale is <= 0 or > 16)
                {
                    await Console.Error.WriteLineAsync("--scale must be a number in (0, 16]");
                    return 2;
                }
                var options = new StreetNetworkOptions { Seed = seed, Scale = scale };
                network = new StreetNetworkGenerator(options).Generate(ReadOutline(Option(args, "--boundary") ?? DefaultBoundary));
                break;
            case "import" when args.Length >= 2:
                network = OsmWalkImporter.Read(args[1]);
                break;
            default:
                await Console.Error.WriteLineAsync("usage: network generate [--seed N] [--scale S] [--boundary FILE] | network import FILE.osm|.osm.pbf");
                return 2;
        }
        var built = sw.Elapsed;
        var (nodes, edges) = await WalkNetworkWriter.ReplaceAsync(dataSource, network);
        Console.WriteLine($"walking network: {nodes:N0} nodes, {edges:N0} edges{(network.Synthetic ? " (synthetic)" : "")}; built in {built.TotalSeconds:F1} s, loaded in {(sw.Elapsed - built).TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>The district outline as one (multi)polygon in EPSG:4326, from a GeoJSON FeatureCollection.</summary>
    public static Geometry ReadOutline(string path)
    {
        var fc = JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllText(path), Geo.Core.Spatial.GeoJsonOptions.Plain)
            ?? throw new InvalidDataException($"{path}: not a GeoJSON FeatureCollection");
        var outline = Geo.Core.Spatial.GeoFactory.Wgs84.BuildGeometry(fc.Select(f => f.Geometry)).Union();
        outline.SRID = Geo.Core.Spatial.GeoFactory.Srid;
        return outline;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
