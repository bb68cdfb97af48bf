using System.Diagnostics;
using System.Globalization;
using System.Text;
using Geo.Ingest.Importers;
using Geo.Tests.Cli;
using Geo.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Geo.Tests.Ingest;

/// <summary>Issue 12 finding 2 / issue 15: an import never blocks readers of <c>assets</c> (the bulk path used
/// to hold ACCESS EXCLUSIVE from COPY to commit), and a killed `./geo ingest` leaves neither the importer
/// process nor its database backend running.</summary>
public sealed class ImportBesideReadersTests(PostgisFixture db, ITestOutputHelper log) : IClassFixture<PostgisFixture>
{
    private static string BigCsv(TempDir s, string name, int rows, string prefix)
    {
        var csv = new StringBuilder("id,name,lon,lat,ssid\n");
        var rng = new Random(rows);
        for (var i = 0; i < rows; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{prefix}{i},热点{i},{116.55 + rng.NextDouble() * 0.3:F6},{39.75 + rng.NextDouble() * 0.25:F6},s{i % 7}\n");
        return s.Write(name, csv.ToString());
    }

    [Fact]
    public async Task A_big_new_source_loads_while_a_nearby_reader_never_waits_a_second()
    {
        using var s = new TempDir("geo-ingest-test-");
        // a table already holding rows, and a load big enough to take several seconds even on a fast machine
        await IngestKit.ImportAsync(db, BigCsv(s, "resident.csv", 60_000, "R"));
        var path = BigCsv(s, "reader-load.csv", 100_000, "L");

        using var stop = new CancellationTokenSource();
        var waits = new List<double>();
        var seenDuringLoad = new List<long>();
        var reader = Task.Run(async () =>
        {
            await using var conn = await db.DataSource.OpenConnectionAsync();
            // the rule under test is about locks, not CPU: a reader that waits more than a second for a lock
            // fails with 55P03 here, whatever else the machine is doing (wall-clock polls are only logged)
            await using (var set = new NpgsqlCommand("SET lock_timeout = '1s'", conn)) await set.ExecuteNonQueryAsync();
            while (!stop.IsCancellationRequested)
            {
                var sw = Stopwatch.StartNew();
                // what /api/nearby runs: KNN on the GiST index, plus the load's own rows (invisible until commit)
                await using var cmd = new NpgsqlCommand("""
                    SELECT (SELECT count(*) FROM (SELECT id FROM assets
                            ORDER BY geom <-> ST_SetSRID(ST_MakePoint(116.66, 39.90), 4326) LIMIT 20) k),
                           (SELECT count(*) FROM assets WHERE source = 'reader-load.csv')
                    """, conn);
                await using (var r = await cmd.ExecuteReaderAsync())
                {
                    await r.ReadAsync();
                    Assert.Equal(20, r.GetInt64(0));
                    lock (seenDuringLoad) seenDuringLoad.Add(r.GetInt64(1));
                }
                lock (waits) waits.Add(sw.Elapsed.TotalMilliseconds);
                await Task.Delay(100);
            }
        });
        var clock = Stopwatch.StartNew();
        var report = await AssetImporter.RunAsync(db.DataSource, new ImportOptions { Path = path, Kind = "wifi_hotspot", BulkFromRows = 0 });
        var loadSeconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await reader;

        Assert.Equal(100_000, report.Inserted);
        Assert.Contains(report.Phases, p => p.Phase == "sorted insert");
        var worst = waits.Max();
        log.WriteLine(FormattableString.Invariant($"load {loadSeconds:F1} s ({report.PhaseSummary}); {waits.Count} polls, worst {worst:F0} ms, median {waits.Order().ElementAt(waits.Count / 2):F0} ms"));
        Assert.True(waits.Count >= 10, $"only {waits.Count} polls ran during a {loadSeconds:F1} s load");
        // lock waits are bounded by lock_timeout above; a wall-clock bound only catches gross stalls on a busy machine
        Assert.True(worst < 5000, $"a reader poll took {worst:F0} ms during the import");
        // all-or-nothing: readers saw none of the load's rows before its commit
        Assert.All(seenDuringLoad.Take(seenDuringLoad.Count - 1), n => Assert.Equal(0, n));
        Assert.Equal(100_000, await IngestKit.CountAsync(db.DataSource, "reader-load.csv"));
    }

    [Fact]
    public async Task Kill_9_of_the_geo_ingest_wrapper_stops_the_importer_and_its_backend()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = BigCsv(s, "kill-me.csv", 400_000, "K");
        using var script = new GeoScript(db.ConnectionString);
        using var p = script.StartBackground(out var stdout, out var stderr, "ingest", path, "--kind", "wifi_hotspot");
        var scriptPid = p.Id;
        int? backend = null;
        var sw = Stopwatch.StartNew();
        await using var conn = await db.DataSource.OpenConnectionAsync();
        // wait for the server-side half (the sorted insert): the client only waits there, the backend works
        while (backend is null && sw.Elapsed < TimeSpan.FromMinutes(3) && !p.HasExited)
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
                  AND query LIKE 'INSERT INTO assets%ingest_stage%' LIMIT 1
                """, conn);
            backend = await cmd.ExecuteScalarAsync() as int?;
            if (backend is null) await Task.Delay(50);
        }
        Assert.True(backend is not null, $"never saw the sorted insert (exited: {p.HasExited})\n{stdout}\n{stderr}");

        p.Kill(); // SIGKILL to the pid the script started with
        await p.WaitForExitAsync();
        var killed = Stopwatch.StartNew();
        while (killed.Elapsed < TimeSpan.FromSeconds(30) && await BackendAliveAsync(conn, backend.Value)) await Task.Delay(100);
        log.WriteLine(FormattableString.Invariant($"backend {backend} gone {killed.Elapsed.TotalSeconds:F1} s after kill -9 of the script (pid {scriptPid})"));
        Assert.False(await BackendAliveAsync(conn, backend.Value), "the import's backend still runs 30 s after the importer was killed");
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(10), $"the import's backend ran on {killed.Elapsed.TotalSeconds:F1} s after the kill");

        // exec: no importer process survives its wrapper
        var survivors = Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(path, StringComparison.Ordinal); } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } })
            .ToList();
        Assert.Empty(survivors);
        Assert.Equal(0, await IngestKit.CountAsync(db.DataSource, "kill-me.csv"));
    }

    private static async Task<bool> BackendAliveAsync(NpgsqlConnection conn, int pid)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)", conn);
        cmd.Parameters.AddWithValue(pid);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }
}
