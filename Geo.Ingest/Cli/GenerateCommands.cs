using System.Diagnostics;
using System.Globalization;
using Geo.Core.Domain;
using Geo.Ingest.Generation;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>`load-base [--seed N] [--scale S]` and
/// `generate [--seed N] [--scale S] [--out DIR [--format geojson|csv] [--kind K]]`.</summary>
internal static class GenerateCommands
{
    public const string Usage = "generate [--seed N] [--scale S] [--out DIR [--format geojson|csv] [--kind K]] | load-base [--seed N] [--scale S]";

    public static async Task<int> LoadBaseAsync(Func<NpgsqlDataSource> dataSource, string[] args)
    {
        if (!TryParse(args, allowFiles: false, out var o, out var error)) return Fail(error);
        await using var ds = dataSource();
        var sw = Stopwatch.StartNew();
        var real = RealLayers.Load(RealLayers.FindDataDirectory());
        await BaseLoader.LoadAsync(ds, real, o.Seed, o.Scale, Console.Out);
        Console.WriteLine($"load-base done in {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    public static async Task<int> GenerateAsync(Func<NpgsqlDataSource> dataSource, string[] args)
    {
        if (!TryParse(args, allowFiles: true, out var o, out var error)) return Fail(error);
        var sw = Stopwatch.StartNew();
        var real = RealLayers.Load(RealLayers.FindDataDirectory());
        var data = TongzhouGenerator.Build(real, o.Seed, o.Scale);
        var l = data.Layout;
        Console.WriteLine($"synthetic layout (seed {o.Seed}, scale {o.Scale.ToString(CultureInfo.InvariantCulture)}): {l.Subdistricts.Count} subdistricts, " +
                          $"{l.Communities.Count} communities, {l.Cells.Count} grid cells, {data.Synthesizer.BuildingCount:N0} residential buildings, " +
                          $"population {data.DistrictPopulation:N0} ({100.0 * data.DistrictPopulation60Plus / data.DistrictPopulation:F1}% aged 60+) in {sw.Elapsed.TotalSeconds:F1} s");
        if (o.Out is { } dir)
        {
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, AssetFileWriter.FileName(o.Format, o.Kind));
            var n = AssetFileWriter.Write(data, path, o.Format, o.Kind);
            Console.WriteLine($"wrote {n:N0} synthetic assets to {path} in {sw.Elapsed.TotalSeconds:F1} s");
            return 0;
        }
        await using var ds = dataSource();
        var count = await DatasetWriter.WriteAsync(ds, data, Console.Out);
        Console.WriteLine($"generate done: {count:N0} synthetic assets in {sw.Elapsed.TotalSeconds:F1} s (real rows untouched)");
        return 0;
    }

    private sealed record Options(int Seed, double Scale, string? Out, string Format, AssetKind? Kind);

    private static bool TryParse(string[] args, bool allowFiles, out Options options, out string error)
    {
        options = new Options(TongzhouGenerator.DefaultSeed, TongzhouGenerator.DefaultScale, null, "geojson", null);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed }; i++; break;
                case "--scale" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale > 0 && scale <= 100:
                    options = options with { Scale = scale }; i++; break;
                case "--out" when allowFiles && value is not null:
                    options = options with { Out = value }; i++; break;
                case "--format" when allowFiles && value is not null && AssetFileWriter.Formats.Contains(value):
                    options = options with { Format = value }; i++; break;
                case "--kind" when allowFiles && AssetKinds.TryParse(value, out var kind):
                    options = options with { Kind = kind }; i++; break;
                default:
                    error = $"bad argument '{args[i]}'{(value is null ? "" : $" '{value}'")}; usage: {Usage}";
                    return false;
            }
        }
        if (options.Kind is not null && options.Out is null) { error = "--kind needs --out"; return false; }
        return true;
    }

    private static int Fail(string error)
    {
        Console.Error.WriteLine(error);
        return 2;
    }
}
