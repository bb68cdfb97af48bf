using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Accounts;
using Geo.Ingest.Cli.ScaleOut;
using Geo.Tests.Cli;
using Geo.Tests.Infrastructure;
using Geo.Tests.Scale;

namespace Geo.Tests.Live;

/// <summary>Issue 13: "the process can be killed at any point of intake or delivery and restarted without loss".
/// The real app runs as a separate process; concurrent case reports (with Idempotency-Key) and device batches (reading
/// ids) are driven at it, it is SIGKILLed mid-load and started again, every request that got no answer is retried, and
/// then the database must hold every case and reading exactly once, and every smoke alarm must reach the local
/// receiver (alarm linkage outbox), none twice after dedupe by its key. Bounded: 240 reports, 40 batches, &lt; 60 s.</summary>
public sealed class KillRestartTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const int Reports = 240, Batches = 40, PerBatch = 10, Sensors = 12;

    private sealed record Work(string Kind, string Key, object Body);

    [Fact]
    public async Task Killed_mid_intake_and_delivery_then_restarted_loses_nothing_and_applies_nothing_twice()
    {
        var sw = Stopwatch.StartNew();
        await GridFixtures.CellAsync(db.DataSource, "KR", 116.55, 39.55, 0.02, "郑网格");
        var sensors = new List<long>();
        for (var i = 0; i < Sensors; i++)
            sensors.Add(await GridFixtures.AssetAsync(db, $"烟感 KR{i}", 116.552 + i * 0.001, 39.552, new SensorAttributes(SensorType.Smoke, AlarmThreshold: 10)));
        string deviceKey;
        await using (var ctx = db.CreateContext())
            deviceKey = await UserAdmin.AddApiKeyAsync(ctx, "kill-test-device", GeoRoles.Device, null, default, [.. sensors]);

        // the plan: reports with their keys, batches with reading ids; every sensor raises one alarm somewhere in the load
        var rnd = new Random(13);
        var plan = new List<Work>();
        for (var i = 0; i < Reports; i++)
        {
            var key = Guid.NewGuid().ToString();
            plan.Add(new Work("report", key, new { category = "sanitation", lon = 116.551 + rnd.NextDouble() * 0.018, lat = 39.551 + rnd.NextDouble() * 0.018, description = $"kill-test {key}" }));
        }
        foreach (var b in Enumerable.Range(0, Batches))
            plan.Add(new Work("batch", $"b{b}", new
            {
                readings = Enumerable.Range(0, PerBatch).Select(i => new
                {
                    reading_id = $"kr-{b}-{i}", sensor_id = sensors[(b + i) % Sensors],
                    value = b % 4 == 3 && i < 3 ? 99.0 : 2.0, measured_at = DateTimeOffset.UtcNow,
                }).ToArray(),
            }));
        plan = [.. plan.OrderBy(_ => rnd.Next())];

        await using var receiver = new AlarmReceiver { Mode = "slow", SlowDelay = TimeSpan.FromSeconds(1) };
        await receiver.StartAsync();
        var port = GeoScript.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var logFile = Path.Combine(Path.GetTempPath(), $"geo-kill-restart-{port}.log");
        HostProcess Start() => HostProcess.Start("web", "Geo.Web", url, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Geo"] = db.ConnectionString,
            ["Geo__AlarmLinkage__Url"] = $"http://127.0.0.1:{receiver.Port}/alarms",
            ["Geo__AlarmLinkage__PollInterval"] = "00:00:00.2",
            ["Geo__AlarmLinkage__Timeout"] = "00:00:02",
            ["Geo__AlarmLinkage__Lease"] = "00:00:03",
            ["Geo__AlarmLinkage__MaxBackoff"] = "00:00:02",
            ["Geo__Jobs__HeartbeatInterval"] = "01:00:00",
            ["Geo__Scorecard__WarmOnStart"] = "false",
            ["Hardening__ReportsPerMinute"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        }, logFile, configuration: GeoScript.Config);
        using var startTimeout = new CancellationTokenSource(ScaleCluster.StartTimeout);
        var app = Start();
        try
        {
            await app.WaitHealthyAsync(ScaleCluster.StartTimeout, startTimeout.Token);
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            using var device = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            device.DefaultRequestHeaders.Add("X-Api-Key", deviceKey);

            var acked = new ConcurrentDictionary<string, long>(); // report key → case id; batch key → 0
            var unanswered = new ConcurrentBag<Work>();
            var killAt = plan.Count * 2 / 5;
            var killed = new TaskCompletionSource();
            var queue = new ConcurrentQueue<Work>(plan);
            var replays = 0;

            async Task<bool> SendAsync(Work w)
            {
                try
                {
                    using var req = new HttpRequestMessage(HttpMethod.Post, w.Kind == "report" ? "/api/incidents" : "/api/sensors/readings") { Content = JsonContent.Create(w.Body) };
                    if (w.Kind == "report") req.Headers.Add("Idempotency-Key", w.Key);
                    using var res = await (w.Kind == "report" ? http : device).SendAsync(req);
                    if (res.StatusCode == HttpStatusCode.ServiceUnavailable) return false; // not ready yet: nothing was applied, retry
                    // an answer: 2xx acknowledges; anything else is a failure of this test (never the caller's fault here)
                    Assert.True(res.IsSuccessStatusCode, $"{w.Kind} {w.Key}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
                    if (res.Headers.Contains("Idempotent-Replayed")) Interlocked.Increment(ref replays);
                    acked[w.Key] = w.Kind == "report" ? (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64() : 0;
                    if (acked.Count >= killAt) killed.TrySetResult();
                    return true;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false; // no answer: the client cannot know whether it was applied
                }
            }

            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (queue.TryDequeue(out var w))
                    if (!await SendAsync(w)) unanswered.Add(w);
            })).ToList();
            await killed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            app.Kill(); // SIGKILL: no shutdown, requests and deliveries cut wherever they are
            await app.WaitForExitAsync();
            await Task.WhenAll(workers);
            var ackedBeforeKill = acked.Count;
            var pendingAtKill = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries WHERE delivered_at IS NULL");
            Assert.True(unanswered.Count > 0, "the kill left no request unanswered");
            // the receiver takes a second per alarm: the worker was mid-delivery (or had more waiting) when it died
            var alarmsAtKill = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries");
            Assert.True(pendingAtKill > 0, $"no alarm delivery was pending at the kill ({alarmsAtKill} alarms, {receiver.Requests} received, {ackedBeforeKill} acknowledged)\n{app.Tail(60)}");
            Assert.True(ackedBeforeKill < plan.Count);

            app.Dispose();
            app = Start();
            await app.WaitHealthyAsync(ScaleCluster.StartTimeout, startTimeout.Token);
            receiver.Mode = "ok";
            // retry every request that got no answer, as a client would, until each is answered
            var retry = new ConcurrentQueue<Work>(unanswered);
            var retried = retry.Count;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (retry.TryDequeue(out var w))
                    for (var attempt = 1; !await SendAsync(w); attempt++)
                    {
                        Assert.True(attempt < 5, $"{w.Kind} {w.Key} still unanswered after {attempt} tries\n{app.Tail(60)}");
                        await Task.Delay(200);
                    }
            })));
            Assert.Equal(plan.Count, acked.Count);

            // every case exactly once, under the id its acknowledgement named
            var reportKeys = plan.Where(w => w.Kind == "report").Select(w => w.Key).ToList();
            Assert.Equal(Reports, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE description LIKE 'kill-test %'"));
            Assert.Equal(Reports, await GridFixtures.CountAsync(db.DataSource, "SELECT count(DISTINCT description) FROM incidents WHERE description LIKE 'kill-test %'"));
            var ids = reportKeys.Select(k => acked[k]).ToArray();
            Assert.Equal(Reports, ids.Distinct().Count());
            Assert.Equal(Reports, await GridFixtures.CountAsync(db.DataSource,
                "SELECT count(*) FROM incidents i JOIN unnest($1::bigint[], $2::text[]) a(id, d) ON a.id = i.id AND i.description = 'kill-test ' || a.d",
                ids, reportKeys.ToArray()));
            Assert.Equal(Reports, await GridFixtures.CountAsync(db.DataSource,
                "SELECT count(*) FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE i.description LIKE 'kill-test %' AND e.action = 'report'"));
            // every reading exactly once
            Assert.Equal(Batches * PerBatch, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM sensor_readings WHERE asset_id = ANY($1)", sensors.ToArray()));
            // one alarm case per smoke sensor that crossed its threshold, each with one outbox row
            var alarmed = plan.Where(w => w.Kind == "batch").SelectMany(w => Enumerable.Range(0, 3).Select(i => (int.Parse(w.Key[1..]), i)))
                .Where(x => x.Item1 % 4 == 3).Select(x => sensors[(x.Item1 + x.i) % Sensors]).Distinct().Count();
            Assert.Equal(alarmed, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE source = 'sensor'"));
            Assert.Equal(alarmed, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries"));

            // the deliveries pending at the kill (leased mid-flight or not yet claimed) arrive after the restart
            var until = DateTime.UtcNow.AddSeconds(25);
            while (await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries WHERE delivered_at IS NULL") > 0)
            {
                Assert.True(DateTime.UtcNow < until, $"alarms still undelivered 25 s after the restart\n{app.Tail(60)}");
                await Task.Delay(200);
            }
            var keys = new List<string>();
            await using (var cmd = db.DataSource.CreateCommand("SELECT idempotency_key FROM alarm_deliveries"))
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) keys.Add(r.GetString(0));
            Assert.Equal(keys.Order(), receiver.Keys.Keys.Order()); // every alarm arrived; after dedupe by key, once each
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(90), $"took {sw.Elapsed}");
            Console.WriteLine($"kill-restart: {ackedBeforeKill} acknowledged before the kill, {retried} retried ({replays} of them reports written before the kill, answered as replays), {pendingAtKill} alarm deliveries pending at the kill, " +
                $"{receiver.Keys.Values.Count(n => n > 1)} alarms seen twice by the receiver (collapsed by key), {sw.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            if (!app.HasExited) { app.Kill(); await app.WaitForExitAsync(); }
            app.Dispose();
            File.Delete(logFile);
        }
    }
}
