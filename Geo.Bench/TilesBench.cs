using System.Diagnostics;
using System.Net;
using System.Text;
using Geo.Core.Data;
using Geo.Core.Tiles;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Bench;

/// <summary>`./geo bench tiles [--count N] [--seconds S] [--concurrency C] [--zooms 15,16]`: random z10–z16 tiles over the
/// urban core of 1M assets. Cold (cache off) against the same ST_AsMVT SQL run directly (the floor) and
/// against the naive unthinned all-attributes tile (the pg_tileserv peer); warm (cache on) against /health.</summary>
internal static class TilesBench
{
    private static readonly int[] AllZooms = [10, 11, 12, 13, 14, 15, 16];

    public static async Task<int> RunAsync(string[] args)
    {
        // --zooms 15,16 while iterating; the recorded run prints every zoom
        var zi = Array.IndexOf(args, "--zooms");
        var zooms = zi >= 0 && zi + 1 < args.Length
            ? args[zi + 1].Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : AllZooms;
        var count = IntArg(args, "--count", 1_000_000);
        var seconds = IntArg(args, "--seconds", 6);
        var concurrency = IntArg(args, "--concurrency", 4);
        var cs = Environment.GetEnvironmentVariable("GEO_BENCH_DB") is { Length: > 0 } b ? b
            : throw new InvalidOperationException("GEO_BENCH_DB is not set: run through ./geo bench tiles");
        // a naive z10 tile over 1M points can take longer than Npgsql's default 30 s
        cs = new NpgsqlConnectionStringBuilder(cs) { CommandTimeout = 600 }.ConnectionString;
        await using var ds = GeoDb.CreateDataSource(cs);
        await using (var db = GeoDb.CreateContext(ds)) await db.Database.MigrateAsync();
        await TilesBenchData.EnsureAsync(ds, count);

        var layers = new TileLayers(exposeSensitive: false);
        var renderer = new TileRenderer(ds, layers);
        var assets = layers.Find(TileLayers.AllAssets)!;
        var rnd = new Random(42);
        var sample = zooms.ToDictionary(z => z, z => Enumerable.Range(0, 64).Select(_ =>
        {
            var c = TilesBenchData.Centres[rnd.Next(TilesBenchData.Centres.Length)];
            var (x, y) = TileAddress.TileOf(c.Lon + (rnd.NextDouble() - 0.5) * 4 * c.Sigma, c.Lat + (rnd.NextDouble() - 0.5) * 3 * c.Sigma, z);
            return new TileAddress(z, x, y);
        }).ToList());
        var duration = TimeSpan.FromSeconds(seconds);
        var rows = zooms.ToDictionary(z => z, _ => new Row());

        Console.WriteLine($"{count:N0} assets, {seconds} s per measurement, {concurrency} concurrent clients, {Environment.ProcessorCount} cores");
        // The cores are shared with other work, so a peer measured a minute later sees a different machine.
        // Each comparison therefore alternates its two sides in short rounds and sums them.
        const int rounds = 3;
        var slice = duration / rounds;
        double health;
        await using (var cold = await WebHost.StartAsync(cs, cacheEnabled: false))
        await using (var warm = await WebHost.StartAsync(cs, cacheEnabled: true))
        {
            foreach (var t in sample.Values.SelectMany(s => s)) await warm.GetAsync($"/tiles/assets/{t}.pbf", default);
            var healthRuns = new List<Run>();
            foreach (var z in zooms)
            {
                var r = rows[z];
                var direct = new List<Run>(); var http = new List<Run>(); var warmRuns = new List<Run>();
                for (var i = 0; i < rounds; i++)
                {
                    direct.Add(await LoadAsync(sample[z], concurrency, slice, async (t, ct) => (await renderer.RenderAsync(assets, t, ct)).Length));
                    http.Add(await LoadAsync(sample[z], concurrency, slice, (t, ct) => cold.GetAsync($"/tiles/assets/{t}.pbf", ct)));
                    warmRuns.Add(await LoadAsync(sample[z], concurrency, slice, (t, ct) => warm.GetAsync($"/tiles/assets/{t}.pbf", ct)));
                    healthRuns.Add(await LoadAsync([new TileAddress()], concurrency, slice, (_, ct) => warm.GetAsync("/health", ct)));
                }
                r.Direct = Sum(direct).Rate;
                // sizes over the whole sample, each tile once (the timed runs cover whichever tiles fitted in)
                foreach (var t in sample[z].Distinct()) r.Sizes.Add((await renderer.RenderAsync(assets, t)).Length);
                r.Cold = Sum(http).Rate;
                r.Warm = Sum(warmRuns).Rate;
                r.Health = Sum(healthRuns.TakeLast(rounds).ToList()).Rate;
                var naive = await LoadAsync(sample[z], concurrency, duration, async (t, ct) =>
                {
                    await using var cmd = ds.CreateCommand(TileSql.NaiveAssets());
                    cmd.Parameters.AddWithValue(t.Z); cmd.Parameters.AddWithValue(t.X); cmd.Parameters.AddWithValue(t.Y);
                    return ((byte[])(await cmd.ExecuteScalarAsync(ct))!).Length;
                });
                (r.Naive, r.NaiveSizes) = (naive.Rate, naive.Sizes);
                Console.WriteLine($"z{z}: direct {r.Direct:F1}/s cold {r.Cold:F1}/s median {Median(r.Sizes) / 1024.0:F1} KiB; naive {r.Naive:F2}/s median {Median(r.NaiveSizes) / 1048576.0:F2} MiB; warm {r.Warm:F0}/s health {r.Health:F0}/s");
            }
            health = Sum(healthRuns).Rate;
        }

        var md = new StringBuilder();
        md.AppendLine($"`./geo bench tiles`: {count:N0} assets, random tiles over the urban core, {seconds} s per cell, {concurrency} concurrent clients, {Environment.ProcessorCount} shared cores. `/health`: {health:F0} req/s overall; each row's warm/health compares rounds run alternately with that row's warm rounds. Direct and cold HTTP also alternate ({rounds} rounds each).");
        md.AppendLine();
        md.AppendLine("| zoom | median tile | p95 tile | naive median | direct SQL /s | cold HTTP /s | cold/direct | naive /s | cold/naive | warm /s | warm/health |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var z in zooms)
        {
            var r = rows[z];
            md.AppendLine($"| {z} | {Kib(Median(r.Sizes))} | {Kib(Percentile(r.Sizes, 0.95))} | {Kib(Median(r.NaiveSizes))} | {r.Direct:F1} | {r.Cold:F1} | {r.Cold / r.Direct:F2}x | {r.Naive:F2} | {r.Cold / r.Naive:F0}x | {r.Warm:F0} | {r.Warm / r.Health:F2}x |");
        }
        Console.WriteLine();
        Console.Write(md);
        var outDir = Path.Combine(WebHost.RepoRoot, "bench-out");
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, "tiles.md"), md.ToString());
        return 0;
    }

    private sealed class Row
    {
        public double Direct, Naive, Cold, Warm, Health;
        public List<long> Sizes = [], NaiveSizes = [];
    }

    /// <summary>Closed-loop load: <paramref name="concurrency"/> workers, each issuing the next tile of the
    /// sample as soon as the last returns, until <paramref name="duration"/> has passed (at least one each).</summary>
    private static (double Rate, List<long> Sizes) Sum(List<Run> runs) =>
        (runs.Sum(r => r.Count) / runs.Sum(r => r.Seconds), runs.SelectMany(r => r.Sizes).ToList());

    private sealed record Run(int Count, double Seconds, List<long> Sizes)
    {
        public double Rate => Count / Seconds;
    }

    private static async Task<Run> LoadAsync(IReadOnlyList<TileAddress> tiles, int concurrency, TimeSpan duration,
        Func<TileAddress, CancellationToken, Task<long>> op)
    {
        var sizes = new List<long>();
        var next = -1;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            do
            {
                var t = tiles[(Interlocked.Increment(ref next) & int.MaxValue) % tiles.Count];
                var n = await op(t, CancellationToken.None);
                lock (sizes) sizes.Add(n);
            } while (sw.Elapsed < duration);
        }));
        return new Run(sizes.Count, sw.Elapsed.TotalSeconds, sizes);
    }

    private static long Median(List<long> s) => Percentile(s, 0.5);

    private static long Percentile(List<long> s, double p)
    {
        if (s.Count == 0) return 0;
        var o = s.Order().ToList();
        return o[Math.Min(o.Count - 1, (int)(p * o.Count))];
    }

    private static string Kib(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:F1} MiB" : $"{bytes / 1024.0:F1} KiB";

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Geo.Web as its own process on a free port: the real host, no in-process shortcuts.</summary>
    private sealed class WebHost : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;

        private WebHost(Process process, HttpClient http) { _process = process; _http = http; }

        public static string RepoRoot
        {
            get
            {
                var d = new DirectoryInfo(AppContext.BaseDirectory);
                while (d is not null && !File.Exists(Path.Combine(d.FullName, "Geo.sln"))) d = d.Parent;
                return d?.FullName ?? throw new InvalidOperationException("Geo.sln not found above " + AppContext.BaseDirectory);
            }
        }

        public static async Task<WebHost> StartAsync(string cs, bool cacheEnabled)
        {
            var config = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            var webDir = Path.Combine(RepoRoot, "Geo.Web");
            var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            l.Start(); var port = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop();
            var psi = new ProcessStartInfo("dotnet", [Path.Combine(webDir, "bin", config, "net10.0", "Geo.Web.dll")])
            {
                WorkingDirectory = webDir, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            psi.Environment["ConnectionStrings__Geo"] = cs;
            psi.Environment["Geo__Tiles__CacheEnabled"] = cacheEnabled ? "true" : "false";
            psi.Environment["Geo__Tiles__SeedDirectory"] = "";
            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[web] " + e.Data); };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            for (var i = 0; i < 120; i++)
            {
                try { if ((await http.GetAsync("/health")).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
                if (p.HasExited) throw new InvalidOperationException("Geo.Web exited during start-up");
                await Task.Delay(250);
            }
            await Task.Delay(500); // the tile cache turns on once the invalidation listener is LISTENing
            return new WebHost(p, http);
        }

        public async Task<long> GetAsync(string path, CancellationToken ct)
        {
            using var res = await _http.GetAsync(path, ct);
            res.EnsureSuccessStatusCode();
            return (await res.Content.ReadAsByteArrayAsync(ct)).Length;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
