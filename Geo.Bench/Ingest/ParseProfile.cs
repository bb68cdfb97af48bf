using System.Diagnostics;
using Geo.Core.Data;
using Geo.Core.Spatial;
using Geo.Ingest.Importers;

namespace Geo.Bench.Ingest;

/// <summary>`Geo.Bench ingest-parse FILE`: the client half of an import without a database (no region
/// index), stage by stage, to see where the per-row CPU goes.</summary>
public static class ParseProfile
{
    public static Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
        var dir = Directory.CreateTempSubdirectory("geo-parse-").FullName;
        try
        {
            PointFiles.WriteGeoJson(Path.Combine(dir, "p.geojson"), count);
            PointFiles.WriteCsv(Path.Combine(dir, "p.csv"), count);
            Profile(Path.Combine(dir, "p.geojson"));
            Profile(Path.Combine(dir, "p.csv"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        return Task.FromResult(0);
    }

    private static void Profile(string path)
    {
        for (var stage = 1; stage <= 4; stage++)
        {
            var sw = Stopwatch.StartNew();
            using var reader = FeatureReaders.Open(new ImportOptions { Path = path });
            var mapper = new FeatureMapper(null, "p");
            long n = 0, bytes = 0;
            foreach (var f in reader.Read())
            {
                n++;
                if (stage < 2) continue;
                var g = f.Geometry!;
                g.SRID = GeoFactory.Srid;
                _ = g.EnvelopeInternal;
                if (stage < 3) continue;
                var (a, _) = mapper.Map(f, g);
                if (stage < 4) continue;
                bytes += AssetJson.Serialize(a!.Attributes).Length;
            }
            Console.WriteLine($"{Path.GetFileName(path)} stage {stage} (1 read, 2 +geom, 3 +map, 4 +json): {n} rows {sw.Elapsed.TotalSeconds:0.00} s");
        }
    }
}
