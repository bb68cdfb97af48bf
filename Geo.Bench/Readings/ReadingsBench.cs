using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Geo.Api;
using Geo.Api.Auth;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Bench.Readings;

/// <summary>./geo bench readings [--seconds 30] [--devices 40] [--sensors 4000] [--batch 500]: devices post batches of
/// readings over real HTTP (each with its own device key, bound to its sensors) to POST /api/sensors/readings — key
/// lookup, binding check, idempotent insert, heartbeat, threshold test, one transaction per batch. Floor, same run,
/// same concurrency and batch size: binary COPY of the same rows into a table with the same key, one transaction per batch.
/// Afterwards the database is counted: every acknowledged reading stored once.</summary>
public static class ReadingsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int Opt(string name, int dflt) => int.TryParse(args.SkipWhile(a => a != name).Skip(1).FirstOrDefault(), out var v) ? v : dflt;
        var seconds = Opt("--seconds", 30);
        var devices = Opt("--devices", 40);
        var sensorCount = Opt("--sensors", 4000);
        var batch = Math.Clamp(Opt("--batch", 500), 1, Geo.Core.Incidents.SensorIntake.MaxBatch);
        var cs = Environment.GetEnvironmentVariable("GEO_BENCH_DB") is { Length: > 0 } b ? b : GeoDb.ConnectionStringFromEnvironment();
        cs = new NpgsqlConnectionStringBuilder(cs) { MaxPoolSize = 40 }.ConnectionString;
        await using var ds = GeoDb.CreateDataSource(cs);
        await using (var db = GeoDb.CreateContext(ds)) await db.Database.MigrateAsync();

        var sensors = await SeedSensorsAsync(ds, sensorCount);
        var keys = new List<(string Key, long[] Sensors)>();
        await using (var db = GeoDb.CreateContext(ds))
            for (var d = 0; d < devices; d++)
            {
                var mine = sensors.Where((_, i) => i % devices == d).ToArray();
                keys.Add((await UserAdmin.AddApiKeyAsync(db, $"bench-device-{Guid.NewGuid():N}"[..24], GeoRoles.Device, null, default, mine), mine));
            }

        await using var app = await BenchHost.StartAsync(cs, a => a.MapSensorsApi());
        var url = app.Urls.First();

        var run = "rb" + Guid.NewGuid().ToString("N")[..8];
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = devices }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        Console.WriteLine($"readings: {sensors.Count:N0} sensors, {devices} devices posting batches of {batch} for {seconds} s over HTTP at {url}");
        long acked = 0, failed = 0;
        var lat = new List<double>[devices];
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, devices).Select(d => Task.Run(async () =>
        {
            var mine = lat[d] = [];
            var (key, own) = keys[d];
            for (var n = 0; sw.Elapsed.TotalSeconds < seconds; n++)
            {
                var body = new { readings = Enumerable.Range(0, batch).Select(i => new
                    { reading_id = $"{run}-{d}-{n}-{i}", sensor_id = own[(n * batch + i) % own.Length], value = 1.0 + i % 10, measured_at = DateTimeOffset.UtcNow }) };
                using var req = new HttpRequestMessage(HttpMethod.Post, "/api/sensors/readings") { Content = JsonContent.Create(body) };
                req.Headers.Add(GeoAuth.ApiKeyHeader, key);
                var t = Stopwatch.GetTimestamp();
                try
                {
                    using var res = await http.SendAsync(req);
                    if (res.StatusCode == HttpStatusCode.OK) Interlocked.Add(ref acked, batch); else Interlocked.Increment(ref failed);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { Interlocked.Increment(ref failed); }
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        })));
        var elapsed = sw.Elapsed;
        await app.StopAsync();

        long stored;
        await using (var cmd = ds.CreateCommand("SELECT count(*) FROM sensor_readings WHERE reading_id LIKE $1"))
        {
            cmd.Parameters.AddWithValue(run + "-%");
            stored = (long)(await cmd.ExecuteScalarAsync())!;
        }

        // floor: the same rows by binary COPY, one transaction per batch, same concurrency
        await using (var cmd = ds.CreateCommand("""
            CREATE TABLE IF NOT EXISTS bench_copy_floor (asset_id bigint NOT NULL, reading_id text NOT NULL, value float8 NOT NULL,
                measured_at timestamptz NOT NULL, received_at timestamptz NOT NULL, PRIMARY KEY (asset_id, reading_id));
            TRUNCATE bench_copy_floor
            """)) await cmd.ExecuteNonQueryAsync();
        long copied = 0;
        var fsw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, devices).Select(d => Task.Run(async () =>
        {
            var own = keys[d].Sensors;
            for (var n = 0; fsw.Elapsed.TotalSeconds < seconds; n++)
            {
                await using var conn = await ds.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                await using (var w = await conn.BeginBinaryImportAsync("COPY bench_copy_floor FROM STDIN (FORMAT binary)"))
                {
                    var now = DateTimeOffset.UtcNow;
                    for (var i = 0; i < batch; i++)
                    {
                        await w.StartRowAsync();
                        await w.WriteAsync(own[(n * batch + i) % own.Length], NpgsqlDbType.Bigint);
                        await w.WriteAsync($"{run}-{d}-{n}-{i}", NpgsqlDbType.Text);
                        await w.WriteAsync(1.0 + i % 10, NpgsqlDbType.Double);
                        await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                        await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    }
                    await w.CompleteAsync();
                }
                await tx.CommitAsync();
                Interlocked.Add(ref copied, batch);
            }
        })));
        var floorElapsed = fsw.Elapsed;

        var all = lat.SelectMany(x => x).Order().ToList();
        double P(double q) => all.Count == 0 ? double.NaN : all[Math.Min(all.Count - 1, (int)Math.Ceiling(q * all.Count) - 1)];
        var rate = acked / elapsed.TotalSeconds;
        var floor = copied / floorElapsed.TotalSeconds;
        Console.WriteLine($"  HTTP     : {acked:N0} readings in {elapsed.TotalSeconds:F1} s = {rate:F0} readings/s, batch p50 {P(0.5):F1} ms, p99 {P(0.99):F1} ms, {failed} failed batches");
        Console.WriteLine($"  database : {stored:N0} stored for {acked:N0} acknowledged → lost {Math.Max(0, acked - stored)}");
        Console.WriteLine($"  floor    : binary COPY, same rows and key, {devices} writers, one transaction per {batch}: {floor:F0} rows/s");
        Console.WriteLine($"  ratio ours / COPY floor: {rate / floor:F3}");
        Console.WriteLine($"  target: ≥ 20,000 readings/s → {(rate >= 20_000 ? "met" : "not met")} in this run");
        return failed == 0 && stored >= acked ? 0 : 1;
    }

    /// <summary>Water and electricity meters (no alarm threshold) spread over the bench district, added once.</summary>
    private static async Task<List<long>> SeedSensorsAsync(NpgsqlDataSource ds, int count)
    {
        await using var db = GeoDb.CreateContext(ds);
        var have = await db.Assets.CountAsync(a => a.Source == "bench-readings");
        if (have < count)
        {
            var rng = new Random(2026);
            for (var i = have; i < count; i++)
                db.Assets.Add(new Asset
                {
                    Kind = AssetKind.Sensor, Name = $"bench meter {i}", Source = "bench-readings", ExternalId = $"m{i}", Synthetic = true,
                    Geom = GeoFactory.Point(116.55 + rng.NextDouble() * 0.3, 39.75 + rng.NextDouble() * 0.3),
                    Attributes = new SensorAttributes(i % 2 == 0 ? SensorType.WaterMeter : SensorType.ElectricityMeter),
                });
            await db.SaveChangesAsync();
        }
        return await db.Assets.Where(a => a.Source == "bench-readings").OrderBy(a => a.Id).Select(a => a.Id).Take(count).ToListAsync();
    }
}
