using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Geo.Bench.Dispatch;

/// <summary>The durable commit floor of the cluster under test, measured in the same run: pgbench with
/// <see cref="Clients"/> clients, each transaction one one-row INSERT (no index but the key, no trigger). Nothing
/// that commits once per case can beat it, so intake figures are printed as a share of it.</summary>
public static partial class CommitFloor
{
    public const int Clients = 40;

    public static async Task<double?> MeasureAsync(string connectionString, int seconds)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS bench_commit_floor (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int NOT NULL)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var pgbench = Path.Combine(Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin", "pgbench");
        if (!File.Exists(pgbench)) { Console.WriteLine($"  floor    : {pgbench} not found, no floor measured"); return null; }
        var script = Path.Combine(Path.GetTempPath(), $"geo-floor-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script, "INSERT INTO bench_commit_floor (v) VALUES (1);\n");
        try
        {
            var psi = new ProcessStartInfo(pgbench)
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
                ArgumentList = { "-n", "-c", Clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", script,
                    "-h", cs.Host ?? "127.0.0.1", "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username ?? "postgres", cs.Database ?? "geo_bench" },
            };
            if (cs.Password is { Length: > 0 } pw) psi.Environment["PGPASSWORD"] = pw;
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            var err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            var m = Tps().Match(output);
            if (p.ExitCode != 0 || !m.Success) { Console.WriteLine($"  floor    : pgbench failed: {err.Trim()}"); return null; }
            return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
