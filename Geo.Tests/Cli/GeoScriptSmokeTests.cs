using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Cli;

/// <summary>Each command of README's table run through the real ./geo script against a real database: a
/// small real run where one fits in seconds. <see cref="ReadmeCommandsTests"/> keeps this list complete.</summary>
public sealed class GeoScriptSmokeTests(ScriptDatabase fixture) : IClassFixture<ScriptDatabase>
{
    private static readonly TimeSpan Timeout = ScriptDatabase.Timeout;
    private GeoScript Script => fixture.Script;

    [Fact]
    public async Task Help_lists_the_commands_and_an_unknown_command_fails_in_one_line()
    {
        var help = await Script.RunAsync(Timeout, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("users seed-demo", help.Stdout);
        Assert.Contains("GEO_NO_BUILD", help.Stdout);

        var unknown = await Script.RunAsync(Timeout, "frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", unknown.Stderr);
        Assert.DoesNotContain("   at ", unknown.Stderr);
        Assert.Equal(2, (await Script.RunAsync(Timeout, "frobnicate", "--help")).ExitCode);
    }

    /// <summary>Over the usage list of `./geo help`: `COMMAND --help`, `COMMAND -h` and `help COMMAND` print that command's
    /// usage and exit 0, and so does each group of sub-commands (`users --help`). The configuration named does not exist
    /// and the database cannot be reached: help that needed a build or a database would fail here.</summary>
    [Fact]
    public async Task Every_command_and_sub_command_prints_its_usage_with_help_without_a_build_or_a_database()
    {
        using var script = new GeoScript($"Host=127.0.0.1;Port={GeoScript.FreePort()};Username=postgres;Database=geo;Timeout=1");
        var env = new Dictionary<string, string> { ["GEO_CONFIG"] = "NoSuchConfiguration", ["GEO_NO_BUILD"] = "1" };
        var help = await script.RunAsync(Timeout, env, "help");
        Assert.Equal(0, help.ExitCode);
        var commands = ReadmeCommandsTests.HelpCommands(help.Stdout);
        var groups = commands.Where(c => c.Contains(' ', StringComparison.Ordinal)).Select(c => c.Split(' ')[0]).Distinct().ToList();
        Assert.Equal(["network", "tiles", "users", "care"], groups);
        foreach (var command in commands.Concat(groups))
        {
            var words = command.Split(' ');
            foreach (var args in new string[][] { [.. words, "--help"], [.. words, "-h"], ["help", .. words], [.. words, "--some-option", "--help"] })
            {
                var r = await script.RunAsync(Timeout, env, args);
                var what = $"./geo {string.Join(' ', args)}: {r}";
                Assert.True(r.ExitCode == 0, what);
                Assert.StartsWith($"usage: ./geo {command}", r.Stdout, StringComparison.Ordinal);
                // the synopsis, and a description after it on the same line or below
                Assert.True(r.StdoutLines.Length >= 2 || Regex.IsMatch(r.StdoutLines[0], @"\S {2,}\S"), what);
                Assert.Empty(r.ErrorLines);
                foreach (var sub in commands.Where(c => c.StartsWith(command + " ", StringComparison.Ordinal)))
                    Assert.Contains($"./geo {sub}", r.Stdout);
            }
        }
    }

    [Fact]
    public async Task Version_prints_the_version_and_the_commit()
    {
        var r = await Script.RunAsync(Timeout, "--version");
        Assert.True(r.ExitCode == 0, r.ToString());
        var commit = Assert.Single(r.StdoutLines);
        Assert.Matches(@"^geo \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(, with uncommitted changes)?\)$", commit);
    }

    /// <summary>A wrong option is a usage error: exit 2, the usage (or its synopsis) on stderr, no stack trace; for the
    /// commands the script handles itself and for those of the CLI alike.</summary>
    [Fact]
    public async Task An_unknown_option_exits_2_with_the_usage()
    {
        foreach (var (args, usage) in new (string[], string)[]
        {
            (["--frobnicate"], "usage: ./geo COMMAND"),
            (["stop", "--frobnicate"], "usage: ./geo stop"),
            (["bench", "nosuch"], "usage: ./geo bench"),
            (["run", "--frobnicate"], "usage: ./geo run [--nodes N] [--replica]"),
            (["migrate", "--frobnicate"], "usage: migrate"),
            (["users", "add", "--frobnicate"], "usage: users add"),
            (["simulate", "--frobnicate"], "usage: simulate"),
            (["ingest", "x.geojson", "--frobnicate"], "usage: ingest"),
            (["generate", "--frobnicate"], "usage: generate"),
            (["tiles", "seed", "--frobnicate"], "usage: tiles seed"),
            (["care", "rotate-key", "--frobnicate"], "usage: care rotate-key"),
        })
        {
            var r = await Script.RunAsync(Timeout, args);
            var what = $"./geo {string.Join(' ', args)}: {r}";
            Assert.True(r.ExitCode == 2, what);
            Assert.True(r.Stderr.Contains(usage, StringComparison.Ordinal), what);
            Assert.DoesNotContain("   at ", r.Stderr);
        }
    }

    [Fact]
    public async Task Migrate_applies_the_migrations_and_takes_no_argument()
    {
        var r = await Script.RunAsync(Timeout, "migrate");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("migrations applied", r.Stdout);
        Assert.Equal(2, (await Script.RunAsync(Timeout, "migrate", "now")).ExitCode);
    }

    [Fact]
    public async Task An_unreachable_GEO_DB_is_one_line_not_a_stack_trace()
    {
        using var script = new GeoScript($"Host=127.0.0.1;Port={GeoScript.FreePort()};Username=postgres;Database=geo;Timeout=5");
        var r = await script.RunAsync(Timeout, "users", "apikey", "--name", "nowhere");
        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"^cannot use the database \(GEO_DB or the private cluster\): Failed to connect to 127\.0\.0\.1:\d+$", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task Run_serves_health_until_stop_stops_it()
    {
        using var run = Script.StartBackground(out var stdout, out var stderr, "run");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = $"http://127.0.0.1:{Script.WebPort}/health";
        try
        {
            var sw = Stopwatch.StartNew();
            string? health = null;
            while (health is null && sw.Elapsed < Timeout && !run.HasExited)
            {
                try { health = await http.GetStringAsync(url); }
                catch (HttpRequestException) { await Task.Delay(500); }
                catch (TaskCanceledException) { }
            }
            Assert.True(health is not null, $"no /health in {sw.Elapsed.TotalSeconds:F0} s (exited: {run.HasExited})\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
            Assert.Contains("\"ok\"", health); // the host reached the GEO_DB database
            Assert.Contains("base layers present", stdout.ToString()); // the loaded database is kept, not regenerated

            var stop = await Script.RunAsync(Timeout, "stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Contains("web host stopped", stop.Stderr);
            Assert.Contains("not ours to stop", stop.Stderr); // GEO_DB: an external database is left running
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await run.WaitForExitAsync(exited.Token);
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(url));
        }
        finally
        {
            if (!run.HasExited) run.Kill(entireProcessTree: true);
        }
        Assert.Equal("1", (await Script.RunAsync(Timeout, "psql", "-tAc", "SELECT 1")).Stdout.Trim());
    }

    [Fact]
    public async Task Run_with_nodes_serves_two_nodes_behind_the_gateway_until_stop_stops_them()
    {
        // a standby is made from the private cluster only: with GEO_DB it is a one-line refusal
        var replica = await Script.RunAsync(Timeout, "run", "--nodes", "2", "--replica");
        Assert.Equal(1, replica.ExitCode);
        Assert.Contains("--replica makes a standby of the private cluster", Assert.Single(replica.ErrorLines));
        var zero = await Script.RunAsync(Timeout, "run", "--nodes", "zero");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--nodes takes", Assert.Single(zero.ErrorLines));

        using var run = Script.StartBackground(out var stdout, out var stderr, "run", "--nodes", "2");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = $"http://127.0.0.1:{Script.WebPort}/health";
        try
        {
            var sw = Stopwatch.StartNew();
            JsonElement? health = null;
            while (sw.Elapsed < Timeout && !run.HasExited)
            {
                try
                {
                    var h = JsonSerializer.Deserialize<JsonElement>(await http.GetStringAsync(url));
                    if (h.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("health").GetString() == "healthy") == 2) { health = h; break; }
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                await Task.Delay(500);
            }
            Assert.True(health is not null, $"no gateway /health with two healthy nodes in {sw.Elapsed.TotalSeconds:F0} s\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
            Assert.Equal("ok", health.Value.GetProperty("status").GetString());
            Assert.Equal([$"http://127.0.0.1:{Script.WebPort + 1}/", $"http://127.0.0.1:{Script.WebPort + 2}/"],
                health.Value.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("address").GetString()));
            Assert.False(health.Value.TryGetProperty("replica", out _)); // no standby asked for

            var stop = await Script.RunAsync(Timeout, "stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Contains("gateway and nodes stopped", stop.Stderr);
            Assert.Contains("not ours to stop", stop.Stderr);
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await run.WaitForExitAsync(exited.Token);
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(url));
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{Script.WebPort + 1}/health"));
        }
        finally
        {
            if (!run.HasExited) run.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Stop_with_nothing_running_succeeds_and_leaves_GEO_DB_alone()
    {
        var stop = await Script.RunAsync(Timeout, "stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.DoesNotContain("web host stopped", stop.Stderr);
        Assert.Contains("not ours to stop", stop.Stderr);
        Assert.Equal("1", (await Script.RunAsync(Timeout, "psql", "-tAc", "SELECT 1")).Stdout.Trim());
    }

    [Fact]
    public async Task Test_runs_a_filtered_suite_on_its_own_throwaway_cluster()
    {
        // a pure test class, so the nested run cannot recurse into this one; its own results directory,
        // so it cannot wipe the outer run's TestResults
        var results = Directory.CreateTempSubdirectory("geo-smoke-results-").FullName;
        try
        {
            // GEO_TEST_PG_PORT empty: a fixed port given to the outer run is taken by the outer cluster
            var env = new Dictionary<string, string> { ["GEO_TEST_RESULTS"] = results, ["GEO_TEST_PG_PORT"] = "" };
            var r = await Script.RunAsync(TimeSpan.FromMinutes(5), env,
                "test", "--filter", "FullyQualifiedName~Geo.Tests.Ingest.IngestCommandTests");
            Assert.True(r.ExitCode == 0, r.ToString());
            var last = r.StdoutLines[^1];
            var m = Regex.Match(last, @"^(\d+) passed, 0 failed$");
            Assert.True(m.Success && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"last line: {last}");
            Assert.True(File.Exists(Path.Combine(results, "geo.trx")));
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [Fact]
    public async Task Psql_queries_the_GEO_DB_database()
    {
        var r = await Script.RunAsync(Timeout, "psql", "-tAc", "SELECT current_database() || ' ' || (SELECT count(*) FROM regions WHERE level = 'subdistrict')");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"{fixture.Db.DatabaseName} 22", r.Stdout.Trim());
    }

    /// <summary>Issue 12, finding 1: a fresh importer process reading a GBK CSV without --encoding aborted with exit 134
    /// ("'GB18030' is not a supported encoding name"); it must detect GBK and import the names exactly.</summary>
    [Fact]
    public async Task Ingest_detects_a_GBK_CSV_in_a_fresh_process()
    {
        var dir = Directory.CreateTempSubdirectory("geo-smoke-gbk-").FullName;
        try
        {
            var file = Path.Combine(dir, "g.csv");
            await File.WriteAllBytesAsync(file, [.. "id,name,lon,lat\r\nx1,"u8, 0xcd, 0xa8, 0xd6, 0xdd, .. ",116.70,39.85\r\n"u8]);
            var r = await Script.RunAsync(Timeout, "ingest", file, "--kind", "wifi_hotspot", "--source", "smoke-gbk");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("inserted 1", r.Stdout);
            Assert.Equal(1, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM assets WHERE source = 'smoke-gbk' AND name = '通州'"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Ingest_imports_a_tiny_GeoJSON_once_and_a_missing_file_is_one_line()
    {
        var dir = Directory.CreateTempSubdirectory("geo-smoke-ingest-").FullName;
        try
        {
            var file = Path.Combine(dir, "hotspots.geojson");
            await File.WriteAllTextAsync(file, """
                {"type":"FeatureCollection","features":[
                {"type":"Feature","id":"s1","properties":{"name":"冒烟热点 1","status":"online"},"geometry":{"type":"Point","coordinates":[116.656,39.909]}},
                {"type":"Feature","id":"s2","properties":{"name":"冒烟热点 2","status":"online"},"geometry":{"type":"Point","coordinates":[116.660,39.910]}}]}
                """);
            var first = await Script.RunAsync(Timeout, "ingest", file, "--kind", "wifi_hotspot", "--source", "smoke-ingest");
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("inserted 2", first.Stdout);
            // piped output is the report alone: no progress lines, no terminal control sequences
            var lines = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.DoesNotContain(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^(read|insert|upsert|reading|writing)\b|rows/s"));
            Assert.DoesNotContain('\u001b', first.Stdout);
            Assert.DoesNotContain('\r', first.Stdout);
            var again = await Script.RunAsync(Timeout, "ingest", file, "--kind", "wifi_hotspot", "--source", "smoke-ingest");
            Assert.Contains("inserted 0, updated 0, unchanged 2", again.Stdout);
            Assert.Equal(2, await GridFixtures.CountAsync(fixture.Db.DataSource,
                "SELECT count(*) FROM assets WHERE source = 'smoke-ingest' AND kind = 'wifi_hotspot' AND community_id IS NOT NULL"));

            var missing = await Script.RunAsync(Timeout, "ingest", Path.Combine(dir, "nope.geojson"), "--kind", "wifi_hotspot");
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("no such file", missing.Stderr);
            Assert.DoesNotContain("   at ", missing.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Generate_writes_a_small_GeoJSON_file()
    {
        var dir = Directory.CreateTempSubdirectory("geo-smoke-generate-").FullName;
        try
        {
            var r = await Script.RunAsync(Timeout, "generate", "--scale", "0.01", "--out", dir, "--format", "geojson", "--kind", "wifi_hotspot");
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Regex.Match(r.Stdout, @"wrote ([\d,]+) synthetic assets to (\S+)");
            Assert.True(m.Success, r.ToString());
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(m.Groups[2].Value));
            var features = json.RootElement.GetProperty("features").EnumerateArray().ToList();
            Assert.Equal(int.Parse(m.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture), features.Count);
            Assert.NotEmpty(features);
            Assert.All(features, f =>
            {
                Assert.Equal("wifi_hotspot", f.GetProperty("properties").GetProperty("kind").GetString());
                Assert.True(f.GetProperty("properties").GetProperty("synthetic").GetBoolean());
                var c = f.GetProperty("geometry").GetProperty("coordinates");
                Assert.InRange(c[0].GetDouble(), 116.4, 117.0); // lon first, inside Tongzhou
                Assert.InRange(c[1].GetDouble(), 39.6, 40.1);
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Network_generate_replaces_the_walking_network()
    {
        var r = await Script.RunAsync(Timeout, "network", "generate", "--scale", "0.01", "--seed", "7");
        Assert.True(r.ExitCode == 0, r.ToString());
        var m = Regex.Match(r.Stdout, @"walking network: ([\d,]+) nodes, ([\d,]+) edges \(synthetic\)");
        Assert.True(m.Success, r.ToString());
        Assert.Equal(long.Parse(m.Groups[2].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture),
            await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM walk_edges WHERE synthetic"));

        var bad = await Script.RunAsync(Timeout, "network", "generate", "--scale", "lots");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal(["--scale must be a number in (0, 16]"], bad.ErrorLines);
    }

    [Fact]
    public async Task Network_import_loads_walkable_OSM_ways()
    {
        var dir = Directory.CreateTempSubdirectory("geo-smoke-osm-").FullName;
        try
        {
            var file = Path.Combine(dir, "walk.osm");
            await File.WriteAllTextAsync(file, """
                <?xml version="1.0" encoding="UTF-8"?>
                <osm version="0.6" generator="smoke">
                  <node id="1" lat="39.900" lon="116.600" version="1"/>
                  <node id="2" lat="39.900" lon="116.601" version="1"/>
                  <node id="3" lat="39.900" lon="116.602" version="1"/>
                  <node id="4" lat="39.899" lon="116.601" version="1"/>
                  <node id="5" lat="39.901" lon="116.601" version="1"/>
                  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
                  <way id="11" version="1"><nd ref="4"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="footway"/></way>
                  <way id="12" version="1"><nd ref="3"/><nd ref="5"/><tag k="highway" v="motorway"/></way>
                </osm>
                """);
            var r = await Script.RunAsync(Timeout, "network", "import", file);
            Assert.True(r.ExitCode == 0, r.ToString());
            // 10 and 11 cross at node 2: two edges each; the motorway is not walkable
            Assert.Equal(4, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM walk_edges WHERE NOT synthetic AND osm_way_id IN (10, 11)"));
            Assert.Equal(4, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM walk_edges"));

            var missing = await Script.RunAsync(Timeout, "network", "import", Path.Combine(dir, "nope.osm"));
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Single(missing.ErrorLines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Tiles_seed_writes_pbf_tiles()
    {
        var dir = Directory.CreateTempSubdirectory("geo-smoke-tiles-").FullName;
        try
        {
            var r = await Script.RunAsync(Timeout, "tiles", "seed", "--layer", "basemap", "--max-zoom", "9", "--dir", dir);
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Regex.Match(r.Stdout, @"seeded (\d+) tiles");
            Assert.True(m.Success, r.ToString());
            var files = Directory.GetFiles(Path.Combine(dir, "basemap"), "*.pbf", SearchOption.AllDirectories);
            Assert.Equal(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), files.Length);
            Assert.Contains(files, f => f.EndsWith(Path.Combine("basemap", "0", "0", "0.pbf"), StringComparison.Ordinal));
            Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0));

            var bad = await Script.RunAsync(Timeout, "tiles", "seed", "--layer", "basemap", "--max-zoom");
            Assert.Equal(2, bad.ExitCode);
            Assert.Single(bad.ErrorLines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Bench_dispatch_runs_a_tiny_round_and_names_are_checked()
    {
        var none = await Script.RunAsync(Timeout, "bench");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("dispatch", none.Stderr);
        var unknown = await Script.RunAsync(Timeout, "bench", "nosuch");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown benchmark 'nosuch'", unknown.Stderr);
        var noBenchDb = await Script.RunAsync(Timeout, "bench", "dispatch");
        Assert.NotEqual(0, noBenchDb.ExitCode);
        Assert.Contains("GEO_BENCH_DB", noBenchDb.Stderr); // never fills the GEO_DB database

        var bench = new PostgisFixture();
        await bench.InitializeAsync();
        try
        {
            var r = await Script.RunAsync(Timeout, new Dictionary<string, string> { ["GEO_BENCH_DB"] = bench.ConnectionString },
                "bench", "dispatch", "--seconds", "1", "--reporters", "2", "--existing", "20");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("lost 0, duplicated 0", r.Stdout);
            Assert.True(await GridFixtures.CountAsync(bench.DataSource, "SELECT count(*) FROM incidents") > 20);
            Assert.Equal(0, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM regions WHERE code = 'BENCH-D'"));
        }
        finally
        {
            await bench.DisposeAsync();
        }
    }

    [Fact]
    public async Task Simulate_posts_device_batches_with_bound_keys_and_revokes_them()
    {
        await using var app = KestrelGeoApp.Start(fixture.Db.ConnectionString);
        var before = await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM sensor_readings");
        var r = await Script.RunAsync(Timeout, "simulate", "--sensors", "30", "--minutes", "0.05", "--interval", "1", "--devices", "3", "--url", app.BaseUrl);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"simulate: \d+ sensors on 3 devices", r.Stdout);
        Assert.Matches(@"readings accepted [1-9]\d*", r.Stdout);
        Assert.Contains("server errors 0", r.Stdout);
        Assert.True(await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM sensor_readings") > before);
        // its keys were bound to its sensors, and are revoked now that it stopped
        Assert.Equal(0, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM api_keys WHERE name LIKE 'simulator-%' AND revoked_at IS NULL"));
        Assert.True(await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM api_key_sensors s JOIN api_keys k ON k.id = s.api_key_id WHERE k.name LIKE 'simulator-%'") >= 3);

        // load-base (the fixture ran it) left the demo alive: generated-online sensors heard within their generated age
        // (≤ 15 min before load-base; the fixture may be minutes old by now), a labelled case history
        Assert.Equal(0, await GridFixtures.CountAsync(fixture.Db.DataSource, """
            SELECT count(*) FROM assets a LEFT JOIN sensor_heartbeats h ON h.asset_id = a.id
            WHERE a.kind = 'sensor' AND a.synthetic AND a.status = 'online' AND (h.last_seen IS NULL OR h.last_seen < now() - interval '1 hour')
            """));
        Assert.True(await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM incidents WHERE reporter_contact = 'synthetic history' AND description LIKE '【合成 synthetic】%' AND status = 'closed'") > 0);
        Assert.True(await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM incidents WHERE reporter_contact = 'synthetic history' AND overdue_at IS NOT NULL") > 0);
        // … with open cases past their deadline now (the board's overdue column; before, only closed ones overran)
        Assert.True(await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM incidents WHERE reporter_contact = 'synthetic history' AND overdue_at IS NOT NULL AND status NOT IN ('closed', 'rejected')") > 0);

        var bad = await Script.RunAsync(Timeout, "simulate", "--minutes", "-1");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--minutes", bad.Stderr);
        Assert.DoesNotContain("   at ", bad.Stderr);
    }
}
