using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Api.Scale;
using Geo.Core.Domain;
using Geo.Core.Data;
using Geo.Core.Incidents;
using Geo.Core.Spatial;
using Geo.Core.Accounts;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Scale;

/// <summary>Issue 14 on one machine: primary + streaming standby + two nodes + the YARP gateway (<see cref="ScaleCluster"/>).</summary>
public sealed class ScaleOutTests(ScaleCluster cluster) : IClassFixture<ScaleCluster>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true }) { Timeout = TimeSpan.FromSeconds(10) };

    private async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > Bound) Assert.Fail($"not within {Bound.TotalSeconds:F0} s: {what}\n{cluster.Logs()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Every node reports that lag-tolerant reads go to the standby (it is current).</summary>
    private Task StandbyInUseAsync() => WaitAsync(async () =>
    {
        using var http = Client();
        var health = await cluster.GatewayHealthAsync(http);
        return health.GetProperty("nodes").EnumerateArray().All(n => n.TryGetProperty("report", out var r) && r.ValueKind == JsonValueKind.Object
            && r.GetProperty("replica").GetProperty("reads_go_to").GetString() == "standby");
    }, "both nodes read from the standby");

    private async Task<long> AssetAsync(string name, double lon, double lat)
    {
        await using var ctx = GeoDb.CreateContext(cluster.Primary);
        var a = new Asset
        {
            Kind = AssetKind.WifiHotspot, Name = name, Source = "scale-test", ExternalId = Guid.NewGuid().ToString("N"),
            Geom = GeoFactory.Point(lon, lat), Attributes = new WifiHotspotAttributes("geo"),
        };
        ctx.Assets.Add(a);
        await ctx.SaveChangesAsync();
        return a.Id;
    }

    private static async Task<bool> ItemVisibleAsync(HttpClient http, string baseUrl, long id)
    {
        using var r = await http.GetAsync($"{baseUrl}/ogc/collections/wifi_hotspot/items/{id}");
        return r.StatusCode == HttpStatusCode.OK;
    }

    [Fact]
    public async Task Writes_stream_to_a_hot_standby_through_the_replication_slot()
    {
        await cluster.EnsureNodesAsync();
        Assert.Equal("streaming", await Scalar<string>(cluster.Primary,
            "SELECT r.state FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid WHERE s.slot_name = 'geo_standby'"));
        Assert.True(await Scalar<bool>(cluster.Standby, "SELECT pg_is_in_recovery()"));
        var id = await AssetAsync("replicated", 116.70, 39.80);
        await WaitAsync(async () => await Scalar<long>(cluster.Standby, $"SELECT count(*) FROM assets WHERE id = {id}") == 1, "the row on the standby");
        // a standby refuses writes: nothing can go there by mistake
        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Scalar<long>(cluster.Standby, "CREATE TABLE nope (id int)"));
        Assert.Equal("25006", ex.SqlState); // read_only_sql_transaction
    }

    [Fact]
    public async Task Lag_tolerant_reads_through_the_gateway_run_on_the_standby()
    {
        await cluster.EnsureNodesAsync();
        await StandbyInUseAsync();
        var id = await AssetAsync("read on the standby", 116.71, 39.81);
        using var http = Client();
        await WaitAsync(() => ItemVisibleAsync(http, cluster.GatewayUrl, id), "the item through the gateway");
        var nodes = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            using var items = await http.GetAsync($"{cluster.GatewayUrl}/ogc/collections/wifi_hotspot/items?limit=5&bbox=116.6,39.7,116.8,39.9");
            Assert.Equal(HttpStatusCode.OK, items.StatusCode);
            nodes.Add(items.Headers.GetValues("X-Geo-Node").Single());
            using var nearby = await http.GetAsync($"{cluster.GatewayUrl}/api/nearby?lon=116.71&lat=39.81&limit=3");
            Assert.Equal(HttpStatusCode.OK, nearby.StatusCode);
            Assert.Contains($"\"id\":{id}", await nearby.Content.ReadAsStringAsync());
            // z17: a tile that reads assets itself (z14 and below read the asset_bins summary, z15–z16 asset_cells)
            using var tile = await http.GetAsync($"{cluster.GatewayUrl}/tiles/wifi_hotspot/17/{108000 + 8 * i}/49600.pbf");
            Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        }
        Assert.Equal(2, nodes.Count); // round robin over both nodes
        // the standby's own view: read connections of the nodes ran the items and nearby queries there
        var queries = await Scalar<string>(cluster.Standby, $"""
            SELECT string_agg(query, ' ;; ') FROM pg_stat_activity
            WHERE application_name = '{GeoReads.ApplicationName}' AND datname = 'geo' AND query NOT LIKE 'SELECT pg_last_wal_replay_lsn%'
            """);
        Assert.Contains("assets", queries);
        // both nodes read there (each has its own pool of read connections)
        await WaitAsync(async () =>
        {
            using var r = await http.GetAsync($"{cluster.GatewayUrl}/api/nearby?lon=116.71&lat=39.81&limit=3");
            return await Scalar<long>(cluster.Standby,
                $"SELECT count(DISTINCT client_port) FROM pg_stat_activity WHERE application_name = '{GeoReads.ApplicationName}'") >= 2;
        }, "read connections from both nodes on the standby");
    }

    /// <summary>How soon after the pause a reader must have been answered for its read to count: the node's lag clock
    /// may have started up to one monitor poll (250 ms, slower on a busy machine) before the pause, so a margin of 2 s
    /// under <see cref="ScaleCluster.MaxLag"/> leaves no doubt that the standby was within the tolerated lag.</summary>
    private static readonly TimeSpan StaleWindow = ScaleCluster.MaxLag - TimeSpan.FromSeconds(2);

    /// <summary>Every node reads from the standby and sees it less than a second behind: the lag clock starts afresh.</summary>
    private Task StandbyCurrentAsync() => WaitAsync(async () =>
    {
        using var http = Client();
        var health = await cluster.GatewayHealthAsync(http);
        return health.GetProperty("nodes").EnumerateArray().All(n => n.TryGetProperty("report", out var r) && r.ValueKind == JsonValueKind.Object
            && r.GetProperty("replica") is var replica && replica.GetProperty("reads_go_to").GetString() == "standby"
            && replica.GetProperty("lag_s").ValueKind == JsonValueKind.Number && replica.GetProperty("lag_s").GetDouble() < 1);
    }, "both nodes read from a current standby");

    [Fact]
    public async Task Read_your_writes_holds_while_the_standby_lags()
    {
        await cluster.EnsureNodesAsync();
        await GridFixtures.CellAsync(cluster.Primary, "RYW", 116.74, 39.84, 0.01, "扩展网格");
        await using (var ctx = GeoDb.CreateContext(cluster.Primary))
        {
            await UserAdmin.AddUserAsync(ctx, "ryw-resident", "resident-pw-2026", GeoRoles.Resident);
        }
        var writer = Client();
        var reader = Client();
        using (var signin = await writer.PostAsJsonAsync($"{cluster.GatewayUrl}/api/auth/signin", new { user_name = "ryw-resident", password = "resident-pw-2026" }))
            Assert.Equal(HttpStatusCode.NoContent, signin.StatusCode);

        // The property under test needs the reader answered within the tolerated lag of the pause. A busy machine can
        // miss that window: such a round proves nothing, so it is run again (at most 3 rounds, each bounded); when no
        // round is answered in time the test fails rather than pass without having tested anything.
        const int rounds = 3;
        var misses = new List<string>();
        long id = 0;
        try
        {
            for (var round = 1; ; round++)
            {
                await StandbyCurrentAsync();
                var sw = Stopwatch.StartNew(); // before the pause: sw bounds the time since the pause from above
                await Scalar<object>(cluster.Standby, "SELECT pg_wal_replay_pause()");
                id = await AssetAsync($"written while the standby is paused ({round})", 116.745, 39.845);
                // the resident files a case (a write through the gateway): the answer carries the primary's WAL position
                using var filed = await writer.PostAsJsonAsync($"{cluster.GatewayUrl}/api/incidents",
                    new { category = "noise", lon = 116.745, lat = 39.845, description = "扩展测试" });
                Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
                Assert.True(Lsn.TryParse(filed.Headers.GetValues(ReadYourWrites.Header).Single(), out _));
                var caseId = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
                // ... and sees it at once, on whichever node, though the standby has not replayed it
                using (var mine = await writer.GetAsync($"{cluster.GatewayUrl}/api/incidents/mine"))
                    Assert.Contains($"\"id\":{caseId}", await mine.Content.ReadAsStringAsync());
                Assert.True(await ItemVisibleAsync(writer, cluster.GatewayUrl, id), "the writer's lag-tolerant read went to the primary");
                Assert.True(await ItemVisibleAsync(writer, cluster.GatewayUrl, id));
                // someone else, within the tolerated lag, is served by the standby, which does not have it yet
                var stale = !await ItemVisibleAsync(reader, cluster.GatewayUrl, id);
                var answeredAfter = sw.Elapsed;
                if (answeredAfter <= StaleWindow)
                {
                    Assert.True(stale, $"a reader without the writer's position read from the primary {answeredAfter.TotalSeconds:F2} s after the pause " +
                        $"(tolerated lag {ScaleCluster.MaxLag.TotalSeconds:F0} s)\n{cluster.Logs()}");
                    break;
                }
                misses.Add($"round {round}: the reader was answered {answeredAfter.TotalSeconds:F2} s after the pause (stale: {stale})");
                await Scalar<object>(cluster.Standby, "SELECT pg_wal_replay_resume()");
                Assert.True(round < rounds, $"no round answered the reader within {StaleWindow.TotalSeconds:F0} s of the pause, so the standby's " +
                    $"use within the tolerated lag could not be tested: {string.Join("; ", misses)}");
            }
            // once the standby is further behind than tolerated, everyone reads from the primary
            await WaitAsync(() => ItemVisibleAsync(reader, cluster.GatewayUrl, id), "reads fall back to the primary past MaxLag");
            using var http = Client();
            var health = await cluster.GatewayHealthAsync(http);
            Assert.True(health.GetProperty("replica").GetProperty("replay_paused").GetBoolean());
            Assert.True(health.GetProperty("replica").GetProperty("lag_bytes").GetInt64() > 0);
        }
        finally
        {
            await Scalar<object>(cluster.Standby, "SELECT pg_wal_replay_resume()");
        }
        await StandbyInUseAsync();
    }

    [Fact]
    public async Task A_stopped_standby_sends_every_read_back_to_the_primary()
    {
        await cluster.EnsureNodesAsync();
        await StandbyInUseAsync();
        var id = await AssetAsync("standby down", 116.72, 39.82);
        using var http = Client();
        await WaitAsync(() => ItemVisibleAsync(http, cluster.GatewayUrl, id), "the item through the gateway");
        await cluster.StopStandbyAsync();
        try
        {
            // a read in flight when the standby died may fail once; from then on Npgsql (prefer-standby) and the monitor
            // send every read to the primary
            await Task.Delay(1000);
            var failures = 0;
            for (var i = 0; i < 10; i++)
            {
                if (!await ItemVisibleAsync(http, cluster.GatewayUrl, id)) failures++;
                using var nearby = await http.GetAsync($"{cluster.GatewayUrl}/api/nearby?lon=116.72&lat=39.82&limit=1");
                if (nearby.StatusCode != HttpStatusCode.OK) failures++;
            }
            Assert.True(failures == 0, $"{failures} of 20 reads failed with the standby down\n{cluster.Logs()}");
            var health = await cluster.GatewayHealthAsync(http);
            Assert.Equal("down", health.GetProperty("replica").GetProperty("status").GetString());
            Assert.Equal("degraded", health.GetProperty("status").GetString());
            Assert.All(health.GetProperty("nodes").EnumerateArray(), n =>
                Assert.Equal("primary", n.GetProperty("report").GetProperty("replica").GetProperty("reads_go_to").GetString()));
        }
        finally
        {
            await cluster.StartStandbyAsync();
        }
        await StandbyInUseAsync();
    }

    [Fact]
    public async Task Sign_in_on_one_node_is_valid_on_the_other()
    {
        await cluster.EnsureNodesAsync();
        await using (var ctx = GeoDb.CreateContext(cluster.Primary))
        {
            await UserAdmin.AddUserAsync(ctx, "switch-planner", "planner-pw-2026", GeoRoles.Planner);
        }
        var cookies = new CookieContainer();
        using var http = Client(cookies);
        using (var signin = await http.PostAsJsonAsync($"{cluster.NodeUrl(0)}/api/auth/signin", new { user_name = "switch-planner", password = "planner-pw-2026" }))
            Assert.Equal(HttpStatusCode.NoContent, signin.StatusCode);
        // the cookie was issued for node 1's address; present it to node 2 as the gateway would
        var cookie = cookies.GetCookieHeader(new Uri(cluster.NodeUrl(0)));
        using var bearer = await http.PostAsJsonAsync($"{cluster.NodeUrl(0)}/api/auth/token", new { user_name = "switch-planner", password = "planner-pw-2026" });
        var token = (await bearer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        foreach (var node in new[] { cluster.NodeUrl(1), cluster.NodeUrl(0) })
        {
            using var me = new HttpRequestMessage(HttpMethod.Get, $"{node}/api/auth/me");
            me.Headers.Add("Cookie", cookie);
            using var r = await Client().SendAsync(me);
            var body = await r.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("authenticated").GetBoolean(), $"{node} did not accept the cookie: {body}");
            Assert.Equal("planner", body.GetProperty("role").GetString());
            using var staff = new HttpRequestMessage(HttpMethod.Get, $"{node}/api/incidents");
            staff.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var s = await Client().SendAsync(staff);
            Assert.Equal(HttpStatusCode.OK, s.StatusCode);
        }
        Assert.True(await Scalar<long>(cluster.Primary, "SELECT count(*) FROM data_protection_keys") >= 1);
    }

    [Fact]
    public async Task A_killed_node_loses_no_acknowledged_case_and_the_gateway_routes_around_it()
    {
        await cluster.EnsureNodesAsync();
        await GridFixtures.CellAsync(cluster.Primary, "KIL", 116.78, 39.88, 0.01, "故障网格");
        // overdue cases: both nodes' schedulers are clustered, the survivor must escalate each exactly once
        var overdue = new List<long>();
        var intake = new IncidentIntake(GeoDb.CreateContextFactory(cluster.Primary));
        {
            for (var i = 0; i < 5; i++)
                overdue.Add((await intake.ReportAsync(new IncidentReport("noise", 116.785, 39.885, $"overdue {i}",
                    IncidentSource.Staff, "test", GeoRoles.Planner), DateTimeOffset.UtcNow.AddDays(-30))).Id);
        }
        // a browser on the app routes is pinned to one node (affinity cookie); find which one and kill that one
        var browser = Client();
        using var page = await browser.GetAsync(cluster.GatewayUrl + "/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var pinned = page.Headers.GetValues("X-Geo-Node").Single();
        for (var i = 0; i < 3; i++)
        {
            using var again = await browser.GetAsync(cluster.GatewayUrl + "/");
            Assert.Equal(pinned, again.Headers.GetValues("X-Geo-Node").Single());
        }
        var victim = pinned == "node1" ? 0 : 1;

        // load: 4 clients filing cases through the gateway; one node is SIGKILLed once the load runs, and the load
        // goes on until 20 requests in a row succeeded after the kill (bounded: the machine may be busy)
        var acknowledged = new ConcurrentBag<(TimeSpan At, long Id)>();
        var outcomes = new ConcurrentQueue<(TimeSpan At, bool Ok)>();
        var clock = Stopwatch.StartNew();
        TimeSpan? killedAt = null;
        TimeSpan? recoveredAt = null;
        var streak = 0;
        var cap = TimeSpan.FromSeconds(40);
        async Task Worker(int w)
        {
            using var http = Client();
            var n = 0;
            while (recoveredAt is null && clock.Elapsed < cap)
            {
                bool ok;
                try
                {
                    using var r = await http.PostAsJsonAsync($"{cluster.GatewayUrl}/api/incidents",
                        new { category = "noise", lon = 116.785, lat = 39.885, description = $"load {w}-{n++}" });
                    ok = r.StatusCode == HttpStatusCode.Created;
                    if (ok) acknowledged.Add((clock.Elapsed, (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64()));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }
                outcomes.Enqueue((clock.Elapsed, ok));
                if (killedAt is not null)
                {
                    if (!ok) Interlocked.Exchange(ref streak, 0);
                    else if (Interlocked.Increment(ref streak) >= 20) recoveredAt ??= clock.Elapsed;
                }
            }
        }
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(Worker));
        while (acknowledged.Count < 8 && clock.Elapsed < cap) await Task.Delay(50);
        cluster.KillNode(victim);
        killedAt = clock.Elapsed;
        await load;

        // the gateway routed around the dead node within seconds
        Assert.True(recoveredAt is not null, $"no 20 successes in a row within {cap.TotalSeconds:F0} s after the kill\n{cluster.Logs()}");
        var failover = recoveredAt.Value - killedAt.Value;
        Assert.True(failover < TimeSpan.FromSeconds(15), $"20 successes in a row only {failover.TotalSeconds:F1} s after the kill");
        // every acknowledged case is in the primary, before and after the kill
        var ids = acknowledged.Select(a => a.Id).ToArray();
        Assert.Contains(acknowledged, a => a.At < killedAt);
        Assert.Contains(acknowledged, a => a.At > killedAt);
        Assert.Equal(ids.Length, await GridFixtures.CountAsync(cluster.Primary, "SELECT count(*) FROM incidents WHERE id = ANY($1)", ids));

        // the browser is moved to the survivor, and its page works after a reload
        // the page cluster learns of the death from its own active probe (every 2 s): until then a reload may meet
        // the dead node (502) and the user reloads again, as a browser would; within the failover bound it works
        var reload = await browser.GetAsync(cluster.GatewayUrl + "/");
        for (var until = clock.Elapsed + TimeSpan.FromSeconds(15); reload.StatusCode != HttpStatusCode.OK && clock.Elapsed < until;)
        {
            reload.Dispose();
            await Task.Delay(500);
            reload = await browser.GetAsync(cluster.GatewayUrl + "/");
        }
        using var _ = reload;
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.NotEqual(pinned, reload.Headers.GetValues("X-Geo-Node").Single());
        Assert.Contains("_framework/blazor.web", await reload.Content.ReadAsStringAsync());

        using var http = Client();
        var health = await cluster.GatewayHealthAsync(http);
        var states = health.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("health").GetString());
        Assert.Equal("unhealthy", states[pinned]);
        Assert.Equal("degraded", health.GetProperty("status").GetString());

        // escalation: exactly once per overdue case, though one of the two schedulers died
        await WaitAsync(async () => await GridFixtures.CountAsync(cluster.Primary,
            "SELECT count(DISTINCT incident_id) FROM incident_events WHERE action = 'escalate' AND incident_id = ANY($1)", overdue.ToArray()) == overdue.Count,
            "the overdue cases escalated");
        await Task.Delay(1500);
        Assert.Equal(overdue.Count, await GridFixtures.CountAsync(cluster.Primary,
            "SELECT count(*) FROM incident_events WHERE action = 'escalate' AND incident_id = ANY($1)", overdue.ToArray()));
    }

    private static async Task<T> Scalar<T>(Npgsql.NpgsqlDataSource ds, string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
