using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Geo.Api;
using Geo.Api.Ogc;
using Geo.Api.Query;
using Geo.Core.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Geo.Bench;

/// <summary>`./geo bench api`: the HTTP endpoints under wrk against the same queries run raw through Npgsql
/// (the floor), in one process and one run, on the 1M-asset set.</summary>
internal static partial class ApiBench
{
    private const int Connections = 8;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    // a 0.045° square (~5 km × 5 km): about 2,100 shops, so limit=1000 is a full page with a next link
    private const double X1 = 116.70, Y1 = 39.78, X2 = 116.745, Y2 = 39.825;
    private const double Lon = 116.7123, Lat = 39.8456;

    public sealed record Stats(string Name, double P50Ms, double P99Ms, double Rps);

    public static async Task<int> RunAsync(string[] args)
    {
        _ = args;
        var cs = Environment.GetEnvironmentVariable("GEO_BENCH_DB");
        if (string.IsNullOrEmpty(cs))
        {
            Console.Error.WriteLine("GEO_BENCH_DB is not set (run through ./geo bench api)");
            return 2;
        }
        await using var ds = GeoDb.CreateDataSource(cs);
        await BenchData.EnsureAsync(ds);

        await using var app = await BenchHost.StartAsync(cs, a =>
        {
            a.MapOgcFeaturesApi();
            a.MapQueryApi();
            // the HTTP floor: a fixed body the size of a nearby answer, no database (same host, same wrk)
            var body = new string('x', 4_000);
            a.MapGet("/bench/fixed", () => Microsoft.AspNetCore.Http.Results.Text(body, "application/json"));
        });
        var url = app.Urls.First();
        Console.WriteLine($"web host on {url}; wrk -t2 -c{Connections} -d{Duration.TotalSeconds}s; raw floor: {Connections} Npgsql tasks for the same time");

        var inv = CultureInfo.InvariantCulture;
        var itemsUrl = string.Create(inv, $"{url}/ogc/collections/shop/items?limit=1000&bbox={X1},{Y1},{X2},{Y2}");
        var nearbyUrl = string.Create(inv, $"{url}/api/nearby?lon={Lon}&lat={Lat}&limit=10");
        var results = new List<(Stats Api, Stats Raw, double Target)>
        {
            (await WrkAsync("items limit=1000 bbox (HTTP)", itemsUrl), await RawAsync("items raw json_agg", ds, RawItemsSql), 1.5),
            (await Gc("nearby KNN-10 (HTTP)", () => WrkAsync("nearby KNN-10 (HTTP)", nearbyUrl)), await RawAsync("nearby raw KNN-10", ds, RawNearbySql), 2.0),
        };
        // where a tail comes from: the same Core call the endpoint makes (prepared, pooled connections), without HTTP
        var kinds = Enum.GetValues<Geo.Core.Domain.AssetKind>().Where(k => k is not (Geo.Core.Domain.AssetKind.Camera or Geo.Core.Domain.AssetKind.Sensor)).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections });
        var viaClient = await InProcessAsync("nearby HTTP, .NET client", async () => (await http.GetStringAsync(nearbyUrl)).Length);
        var floor = await WrkAsync("HTTP floor (fixed 4 KB, no db)", $"{url}/bench/fixed");
        var nearby = new Geo.Core.Places.NearbySearch(ds, new Geo.Core.Walking.WalkingGraphProvider(ds), new Geo.Core.Walking.WalkingOptions());
        var core = await InProcessAsync("nearby Core in-process", async () =>
            (await nearby.FindAsync(new Geo.Core.Places.NearbyRequest(Lon, Lat, kinds))).Count);
        await app.StopAsync();

        Console.WriteLine();
        Console.WriteLine($"{"case",-32} {"p50 ms",9} {"p99 ms",9} {"req/s",9}");
        foreach (var (api, raw, target) in results)
        {
            foreach (var s in new[] { api, raw }) Console.WriteLine($"{s.Name,-32} {s.P50Ms,9:F2} {s.P99Ms,9:F2} {s.Rps,9:F0}");
            var ratio = api.P50Ms / raw.P50Ms;
            Console.WriteLine($"  ratio api/raw: p50 {ratio:F2}x, p99 {api.P99Ms / raw.P99Ms:F2}x, throughput {raw.Rps / api.Rps:F2}x  (target p50 within {target}x: {(ratio <= target ? "met" : "NOT met")})");
        }
        Console.WriteLine($"{core.Name,-32} {core.P50Ms,9:F2} {core.P99Ms,9:F2} {core.Rps,9:F0}");
        Console.WriteLine($"{viaClient.Name,-32} {viaClient.P50Ms,9:F2} {viaClient.P99Ms,9:F2} {viaClient.Rps,9:F0}");
        Console.WriteLine($"{floor.Name,-32} {floor.P50Ms,9:F2} {floor.P99Ms,9:F2} {floor.Rps,9:F0}");
        return 0;
    }

    private static async Task<Stats> WrkAsync(string name, string url)
    {
        await RunWrkAsync(url, 2); // warm-up: JIT, connection pool, PostgreSQL buffers
        var output = await RunWrkAsync(url, (int)Duration.TotalSeconds);
        if (Environment.GetEnvironmentVariable("GEO_BENCH_WRK_VERBOSE") == "1") Console.WriteLine(output);
        if (output.Contains("Non-2xx", StringComparison.Ordinal)) throw new InvalidOperationException("wrk saw non-2xx responses:\n" + output);
        double Latency(string pct)
        {
            var m = Regex.Match(output, $@"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => v / 1000, "s" => v * 1000, _ => v };
        }
        var rps = double.Parse(RequestsPerSec().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        return new Stats(name, Latency("50"), Latency("99"), rps);
    }

    private static async Task<string> RunWrkAsync(string url, int seconds)
    {
        // GEO_BENCH_WRK_NICE=-10 (root only) runs the load generator ahead of the server and database in the CPU queue:
        // on two saturated cores, wrk's own scheduling delays otherwise show up as request latency
        var nice = Environment.GetEnvironmentVariable("GEO_BENCH_WRK_NICE");
        var psi = new ProcessStartInfo(string.IsNullOrEmpty(nice) ? "wrk" : "nice") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!string.IsNullOrEmpty(nice)) foreach (var a in new[] { "-n", nice, "wrk" }) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "-t2", $"-c{Connections}", $"-d{seconds}s", "--latency", url }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("wrk did not start");
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException("wrk failed: " + await p.StandardError.ReadToEndAsync());
        return output;
    }

    /// <summary>Runs a measurement and prints the garbage collector's pauses and collections during it.</summary>
    private static async Task<Stats> Gc(string name, Func<Task<Stats>> run)
    {
        var pause = GC.GetTotalPauseDuration();
        var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var s = await run();
        Console.WriteLine($"GC during {name}: paused {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms in total; collections gen0 {GC.CollectionCount(0) - g0}, gen1 {GC.CollectionCount(1) - g1}, gen2 {GC.CollectionCount(2) - g2}; server GC {System.Runtime.GCSettings.IsServerGC}");
        return s;
    }

    /// <summary>A Core call from <see cref="Connections"/> tasks (each opens its own pooled connection per call).</summary>
    private static async Task<Stats> InProcessAsync(string name, Func<Task<int>> call)
    {
        async Task<List<double>> Loop(TimeSpan d)
        {
            var lat = new List<double>();
            var end = Stopwatch.StartNew();
            while (end.Elapsed < d)
            {
                var t = Stopwatch.GetTimestamp();
                if (await call() == 0) throw new InvalidOperationException(name + " returned nothing");
                lat.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            return lat;
        }
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Loop(TimeSpan.FromSeconds(2))));
        var all = (await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Loop(Duration)))).SelectMany(x => x).Order().ToArray();
        return new Stats(name, all[all.Length / 2], all[(int)(all.Length * 0.99)], all.Length / Duration.TotalSeconds);
    }

    /// <summary>The floor: the same feature JSON, built by PostgreSQL with json_agg, read as one text value.</summary>
    private static async Task<Stats> RawAsync(string name, NpgsqlDataSource ds, string sql)
    {
        async Task<List<double>> Loop(TimeSpan d)
        {
            var lat = new List<double>();
            var end = Stopwatch.StartNew();
            await using var conn = await ds.OpenConnectionAsync();
            while (end.Elapsed < d)
            {
                var t = Stopwatch.GetTimestamp();
                await using var cmd = new NpgsqlCommand(sql, conn);
                var text = (string)(await cmd.ExecuteScalarAsync())!;
                if (text.Length < 10) throw new InvalidOperationException("raw query returned nothing");
                lat.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            return lat;
        }
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Loop(TimeSpan.FromSeconds(2))));
        var all = (await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Loop(Duration)))).SelectMany(x => x).Order().ToArray();
        return new Stats(name, all[all.Length / 2], all[(int)(all.Length * 0.99)], all.Length / Duration.TotalSeconds);
    }

    private const string Props =
        "jsonb_build_object('name', name, 'kind', kind, 'status', status, 'source', source, 'external_id', external_id, " +
        "'community_id', community_id, 'grid_cell_id', grid_cell_id, 'created_at', created_at, 'updated_at', updated_at, " +
        "'synthetic', synthetic) || (attributes - 'kind')";

    private static readonly string RawItemsSql = string.Create(CultureInfo.InvariantCulture, $"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(f), '[]'::json))::text FROM (
            SELECT json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom, 7)::json, 'properties', {Props}) AS f
            FROM assets WHERE kind = 'shop' AND ST_Intersects(geom, ST_MakeEnvelope({X1}, {Y1}, {X2}, {Y2}, 4326))
            ORDER BY id LIMIT 1000) s
        """);

    private static readonly string RawNearbySql = string.Create(CultureInfo.InvariantCulture, $"""
        SELECT json_agg(json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom, 7)::json,
                'properties', {Props} || jsonb_build_object('distance_m', round(d::numeric, 2))) ORDER BY d)::text FROM (
            SELECT *, ST_Distance(geom::geography, ST_SetSRID(ST_Point({Lon}, {Lat}), 4326)::geography) AS d
            FROM assets ORDER BY geom <-> ST_SetSRID(ST_Point({Lon}, {Lat}), 4326) LIMIT 10) s
        """);

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSec();
}
