using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Accounts;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>`simulate [--sensors N] [--minutes M] [--interval S] [--devices D] [--url U] [--seed N]`: a fleet of devices
/// speaking only the public device API. The command provisions one device key per device (bound to its sensors, like a
/// real installer would with `users apikey --sensors`), then every interval each device posts one batch to
/// POST /api/sensors/readings with its key: heartbeats, smoke/gas/toxic-gas readings, water/electricity/gas meter
/// readings, occasional threshold crossings, devices that drop out for a while, and the odd replayed batch (a device
/// retrying after a lost answer; the API must count it as duplicates). The keys are revoked at the end.</summary>
internal static class SimulateCommand
{
    public const string Usage = "simulate [--sensors N] [--minutes M] [--interval S] [--devices D] [--url U] [--seed N]";

    private sealed class Sensor(long id, SensorAttributes attrs)
    {
        public long Id { get; } = id;
        public SensorAttributes Attrs { get; } = attrs;
        public double Meter { get; set; }
    }

    private sealed class Device
    {
        public required string Key { get; init; }
        public required List<Sensor> Sensors { get; init; }
        public int SilentTicks { get; set; }
        public object? LastBatch { get; set; }
    }

    public static async Task<int> RunAsync(NpgsqlDataSource ds, string[] args)
    {
        string? Opt(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        double Num(string name, double dflt, double min, double max)
        {
            if (Opt(name) is not { } s) return dflt;
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new ArgumentException($"{name} must be a number in {min}–{max}, not '{s}'");
            return v;
        }
        foreach (var a in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            if (a is not ("--sensors" or "--minutes" or "--interval" or "--devices" or "--url" or "--seed")) throw new ArgumentException($"unknown option {a}; usage: {Usage}");
        var count = (int)Num("--sensors", 500, 1, 100_000);
        var minutes = Num("--minutes", 10, 0.01, 24 * 60);
        var interval = TimeSpan.FromSeconds(Num("--interval", 10, 0.2, 3600));
        var perDevice = Math.Max(1, (int)Math.Ceiling(count / Num("--devices", Math.Ceiling(count / 50.0), 1, 10_000)));
        var rng = new Random((int)Num("--seed", 2026, 0, int.MaxValue));
        var url = new Uri(Opt("--url") ?? $"http://127.0.0.1:{Environment.GetEnvironmentVariable("GEO_PORT") ?? "5080"}");
        if (url.Scheme is not ("http" or "https")) throw new ArgumentException("--url must be http(s)");

        var sensors = new List<Sensor>();
        await using (var cmd = ds.CreateCommand("SELECT id, attributes::text FROM assets WHERE kind = 'sensor' AND status <> 'planned' ORDER BY id LIMIT $1"))
        {
            cmd.Parameters.AddWithValue(count);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                if (AssetJson.Deserialize(r.GetString(1)) is SensorAttributes s) sensors.Add(new Sensor(r.GetInt64(0), s) { Meter = rng.Next(100, 10_000) });
        }
        if (sensors.Count == 0) throw new ArgumentException("no sensors in the database: load the demo data first (./geo run or load-base)");

        var run = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + rng.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
        var devices = new List<Device>();
        await using (var db = GeoDb.CreateContext(ds))
            foreach (var chunk in sensors.Chunk(perDevice))
                devices.Add(new Device { Key = await UserAdmin.AddApiKeyAsync(db, $"simulator-{run}-{devices.Count}", GeoRoles.Device, null, default, chunk.Select(s => s.Id).ToArray()), Sensors = [.. chunk] });
        Console.WriteLine($"simulate: {sensors.Count} sensors on {devices.Count} devices → {url} every {interval.TotalSeconds:F1} s for {minutes:F2} min (run {run})");

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        long batches = 0, accepted = 0, duplicates = 0, alarms = 0, replays = 0, dropouts = 0, serverErrors = 0, refused = 0, unreachable = 0;
        var until = Stopwatch.StartNew();
        var tick = 0L;
        try
        {
            while (until.Elapsed.TotalMinutes < minutes)
            {
                var started = until.Elapsed;
                await Task.WhenAll(devices.Select(async d =>
                {
                    object body;
                    lock (rng)
                    {
                        if (d.SilentTicks > 0) { d.SilentTicks--; return; }
                        if (rng.NextDouble() < 0.01) { d.SilentTicks = rng.Next(2, 10); Interlocked.Increment(ref dropouts); return; }
                        if (d.LastBatch is not null && rng.NextDouble() < 0.03) { body = d.LastBatch; Interlocked.Increment(ref replays); }
                        else body = d.LastBatch = new { readings = d.Sensors.Select(s => new { reading_id = $"sim-{run}-{tick}-{s.Id}", sensor_id = s.Id, value = Value(s, rng), measured_at = DateTimeOffset.UtcNow }).ToList() };
                    }
                    using var req = new HttpRequestMessage(HttpMethod.Post, "/api/sensors/readings") { Content = JsonContent.Create(body) };
                    req.Headers.Add("X-Api-Key", d.Key);
                    try
                    {
                        using var res = await http.SendAsync(req);
                        Interlocked.Increment(ref batches);
                        if (res.StatusCode == HttpStatusCode.OK)
                        {
                            var j = await res.Content.ReadFromJsonAsync<JsonElement>();
                            Interlocked.Add(ref accepted, j.GetProperty("accepted").GetInt32());
                            Interlocked.Add(ref duplicates, j.GetProperty("duplicates").GetInt32());
                            Interlocked.Add(ref alarms, j.GetProperty("incidents").GetArrayLength());
                        }
                        else if ((int)res.StatusCode >= 500) Interlocked.Increment(ref serverErrors);
                        else Interlocked.Increment(ref refused);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { Interlocked.Increment(ref unreachable); }
                }));
                tick++;
                var wait = interval - (until.Elapsed - started);
                var left = TimeSpan.FromMinutes(minutes) - until.Elapsed;
                if (left <= TimeSpan.Zero) break;
                if (wait > TimeSpan.Zero) await Task.Delay(wait < left ? wait : left);
            }
        }
        finally
        {
            await using var revoke = ds.CreateCommand("UPDATE api_keys SET revoked_at = now() WHERE name LIKE $1 AND revoked_at IS NULL");
            revoke.Parameters.AddWithValue($"simulator-{run}-%");
            await revoke.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"batches {batches}, readings accepted {accepted}, duplicates {duplicates} (replayed batches {replays}), alarm cases {alarms}, " +
                          $"dropouts {dropouts}, refused {refused}, server errors {serverErrors}, unreachable {unreachable}");
        return serverErrors == 0 && refused == 0 && unreachable == 0 && batches > 0 ? 0 : 1;
    }

    /// <summary>Alarm sensors idle near zero and cross their threshold now and then; meters only count up.</summary>
    private static double Value(Sensor s, Random rng)
    {
        var t = s.Attrs.AlarmThreshold;
        switch (s.Attrs.SensorType)
        {
            case SensorType.WaterMeter or SensorType.ElectricityMeter or SensorType.GasMeter:
                s.Meter += Math.Round(rng.NextDouble() * 0.5, 3);
                return s.Meter;
            default:
                if (t is double threshold && rng.NextDouble() < 0.002) return Math.Round(threshold * (1.2 + rng.NextDouble()), 3);
                return Math.Round((t ?? 1) * rng.NextDouble() * 0.2, 4);
        }
    }
}
