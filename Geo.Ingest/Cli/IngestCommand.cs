using Geo.Core.Crs;
using Geo.Ingest.Importers;
using Npgsql;
using Spectre.Console;

namespace Geo.Ingest.Cli;

/// <summary>`ingest FILE [--kind K] [--crs C] [--source S] [--encoding E] [--layer L] [--repair]`.</summary>
public static class IngestCommand
{
    public const string Usage = "ingest FILE [--kind K] [--crs C] [--source S] [--encoding utf-8|gbk] [--layer L] [--repair]";

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string[] args)
    {
        ImportOptions options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}{Environment.NewLine}usage: {Usage}");
            return 2;
        }
        try
        {
            // progress only on a terminal: piped or redirected output is the report alone (scripts parse it)
            var report = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected
                ? await WithProgressBarAsync(dataSource, options)
                : await AssetImporter.RunAsync(dataSource, options);
            foreach (var w in report.Warnings) Console.WriteLine($"warning: {w}");
            Console.WriteLine(report);
            return 0;
        }
        catch (ImportException e)
        {
            await Console.Error.WriteLineAsync($"import refused, nothing was written:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", e.Errors)}");
            return 1;
        }
    }

    private static async Task<ImportReport> WithProgressBarAsync(NpgsqlDataSource dataSource, ImportOptions options)
    {
        ImportReport? report = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var read = ctx.AddTask($"reading {Path.GetFileName(options.Path)}", maxValue: 1);
                var upsert = ctx.AddTask("writing", autoStart: false, maxValue: 1);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                report = await AssetImporter.RunAsync(dataSource, options, new Progress<ImportProgress>(p =>
                {
                    if (p.Phase == "read")
                    {
                        // the bar's remaining-time column is the ETA of reading (from the file position)
                        read.Value = p.Fraction;
                        read.Description = $"reading {p.Rows:N0} rows, {p.Rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s";
                    }
                    else
                    {
                        read.Value = 1;
                        upsert.Description = $"{p.Phase} {p.Rows:N0} rows (one statement: no ETA)";
                        upsert.StartTask();
                        upsert.IsIndeterminate = true;
                    }
                }));
                upsert.IsIndeterminate = false;
                upsert.Value = 1;
            });
        return report!;
    }

    internal static ImportOptions Parse(string[] args)
    {
        string? path = null, kind = null, crs = null, source = null, encoding = null, layer = null;
        var repair = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--kind": kind = Value(); break;
                case "--crs": crs = Value(); break;
                case "--source": source = Value(); break;
                case "--encoding": encoding = Value(); break;
                case "--layer": layer = Value(); break;
                case "--repair": repair = true; break;
                case var a when a.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"unknown option {a}");
                case var a when path is null: path = a; break;
                default: throw new ArgumentException($"unexpected argument '{args[i]}'");
            }
        }
        if (path is null) throw new ArgumentException("FILE is required");
        if (crs is not null && !SupportedCrs.TryParse(crs, out _)) throw new ArgumentException($"unsupported CRS '{crs}'; supported: {string.Join(", ", SupportedCrs.All)}");
        return new ImportOptions
        {
            Path = path, Kind = kind, Crs = crs ?? SupportedCrs.Wgs84, CrsExplicit = crs is not null,
            Source = source, Encoding = encoding, Layer = layer, Repair = repair,
        };
    }
}
