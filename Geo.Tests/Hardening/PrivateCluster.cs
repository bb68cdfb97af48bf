using System.Diagnostics;
using Geo.Core.Data;
using Geo.Tests.Cli;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Tests.Hardening;

/// <summary>A PostgreSQL cluster of the fault tests' own (never the shared ./geo test cluster): started, stopped,
/// frozen (SIGSTOP) and thawed by the test, migrated once, removed at the end.</summary>
public sealed class PrivateCluster : IAsyncLifetime
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir = Path.Combine("/tmp", "geo-fault-" + Guid.NewGuid().ToString("N")[..10]);
    public int Port { get; } = GeoScript.FreePort();
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=geo_fault";
    private static bool IsRoot => Environment.UserName == "root";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        if (IsRoot) Run("chown", "postgres:postgres", _dir);
        Pg("initdb", "-D", $"{_dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        Start();
        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres"))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE DATABASE geo_fault", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        await using var ds = GeoDb.CreateDataSource(ConnectionString);
        await using var db = GeoDb.CreateContext(ds);
        await db.Database.MigrateAsync();
        NpgsqlConnection.ClearAllPools();
    }

    public void Start() => Pg("pg_ctl", "-D", $"{_dir}/data", "-l", $"{_dir}/server.log", "-w", "-t", "30", "-o",
        $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");

    public void Stop() => Pg("pg_ctl", "-D", $"{_dir}/data", "-m", "immediate", "-w", "stop");

    /// <summary>SIGSTOP (or SIGCONT) to the postmaster and every backend of this cluster only.</summary>
    public void Signal(string signal)
    {
        var pid = File.ReadLines($"{_dir}/data/postmaster.pid").First().Trim();
        var children = Run("pgrep", "-P", pid).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Run("kill", ["-" + signal, pid, .. children]);
    }

    public Task DisposeAsync()
    {
        try { Signal("CONT"); } catch (InvalidOperationException) { }
        try { Stop(); } catch (InvalidOperationException) { }
        NpgsqlConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private static void Pg(string tool, params string[] args) =>
        _ = IsRoot ? Run("runuser", ["-u", "postgres", "--", $"{PgBin}/{tool}", .. args]) : Run($"{PgBin}/{tool}", args);

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new InvalidOperationException($"{file} timed out"); }
        if (p.ExitCode != 0 && file != "pgrep") throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode} {stderr.Result}");
        return stdout.Result;
    }
}
