using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Tests.Cli;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Tests.Scale;

/// <summary>A scaled-out Geo on 127.0.0.1, all on free ports and torn down afterwards: a primary (its own cluster:
/// physical replication copies a whole cluster), a hot standby made with pg_basebackup through the slot
/// <c>geo_standby</c>, two Geo.Web nodes run as processes from this build (so one can be SIGKILLed) with the jobs on,
/// and the YARP gateway in front of them.</summary>
public sealed class ScaleCluster : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);
    private static readonly string PgBin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir = Directory.CreateTempSubdirectory("geo-scale-").FullName;
    private readonly Process?[] _nodes = new Process?[2];
    private readonly StringBuilder[] _nodeLogs = [new(), new()];
    private Process? _gateway;
    private readonly StringBuilder _gatewayLog = new();

    public int PrimaryPort { get; } = GeoScript.FreePort();
    public int StandbyPort { get; } = GeoScript.FreePort();
    public int GatewayPort { get; } = GeoScript.FreePort();
    public int[] NodePorts { get; } = [GeoScript.FreePort(), GeoScript.FreePort()];
    public string GatewayUrl => $"http://127.0.0.1:{GatewayPort}";
    public string NodeUrl(int i) => $"http://127.0.0.1:{NodePorts[i]}";
    public string PrimaryConnectionString => $"Host=127.0.0.1;Port={PrimaryPort};Username=postgres;Database=geo;Maximum Pool Size=20";
    public string StandbyConnectionString => $"Host=127.0.0.1;Port={StandbyPort};Username=postgres;Database=geo;Timeout=5";
    public NpgsqlDataSource Primary { get; private set; } = null!;
    public NpgsqlDataSource Standby { get; private set; } = null!;

    /// <summary>How far behind a node lets the standby be: generous, so the read-your-writes test has a window in
    /// which a reader without the writer's position really is served from the (paused) standby.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(5);

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        if (Environment.UserName == "root")
        {
            using var chown = Process.Start("chown", ["postgres:postgres", _dir]);
            await chown.WaitForExitAsync(ct);
        }
        await PgAsync(ct, "initdb", "-D", $"{_dir}/primary", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await StartClusterAsync("primary", PrimaryPort, ct);
        await using (var admin = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={PrimaryPort};Username=postgres;Database=postgres"))
        {
            await using var cmd = admin.CreateCommand("CREATE DATABASE geo");
            await cmd.ExecuteNonQueryAsync(ct);
        }
        Primary = GeoDb.CreateDataSource(PrimaryConnectionString);
        await using (var cmd = Primary.CreateCommand("CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;")) await cmd.ExecuteNonQueryAsync(ct);
        await using (var db = GeoDb.CreateContext(Primary)) await db.Database.MigrateAsync(ct);
        await PgAsync(ct, "pg_basebackup", "-h", "127.0.0.1", "-p", PrimaryPort.ToString(), "-U", "postgres", "-D", $"{_dir}/standby",
            "-R", "-C", "-S", "geo_standby", "-X", "stream", "-c", "fast");
        await StartClusterAsync("standby", StandbyPort, ct, "-c hot_standby=on -c hot_standby_feedback=on");
        Standby = GeoDb.CreateDataSource(StandbyConnectionString);
        StartNode(0);
        StartNode(1);
        await Task.WhenAll(WaitHealthyAsync(NodeUrl(0), () => _nodes[0], _nodeLogs[0], ct), WaitHealthyAsync(NodeUrl(1), () => _nodes[1], _nodeLogs[1], ct));
        _gateway = Start(GeoScript.RepoRoot, "Geo.Gateway", new()
        {
            ["ASPNETCORE_URLS"] = GatewayUrl,
            ["Gateway__Nodes"] = $"{NodeUrl(0)},{NodeUrl(1)}",
            ["Gateway__HealthInterval"] = "00:00:01",
            ["Gateway__HealthTimeout"] = "00:00:01",
            ["ConnectionStrings__Primary"] = PrimaryConnectionString,
            ["ConnectionStrings__Standby"] = StandbyConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        }, _gatewayLog);
        await WaitHealthyAsync(GatewayUrl, () => _gateway, _gatewayLog, ct);
    }

    public void StartNode(int i)
    {
        _nodeLogs[i].Clear();
        _nodes[i] = Start(Path.Combine(GeoScript.RepoRoot, "Geo.Web"), "Geo.Web", new()
        {
            ["ASPNETCORE_URLS"] = NodeUrl(i),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Geo"] = PrimaryConnectionString,
            ["ConnectionStrings__GeoRead"] = $"Host=127.0.0.1:{StandbyPort},127.0.0.1:{PrimaryPort};Username=postgres;Database=geo;Maximum Pool Size=20",
            ["Geo__Replica__MaxLag"] = MaxLag.ToString(),
            ["Geo__Jobs__SlaClockInterval"] = "00:00:00.5",
            ["Geo__Jobs__HeartbeatInterval"] = "01:00:00",
            ["Geo__Jobs__ClusterCheckinInterval"] = "00:00:01",
            ["Geo__Scorecard__WarmOnStart"] = "false",
            // the load generator is one client address: the per-address report quota (issue 12) would refuse it
            ["Hardening__ReportsPerMinute"] = "1000000",
            ["Hardening__SignInPerMinute"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        }, _nodeLogs[i]);
    }

    /// <summary>SIGKILL: no graceful shutdown, in-flight requests are cut.</summary>
    public void KillNode(int i) => _nodes[i]?.Kill(entireProcessTree: false);

    /// <summary>Restarts whichever node a test killed, so every test starts from two healthy nodes.</summary>
    public async Task EnsureNodesAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i] is { HasExited: false }) continue;
            _nodes[i]?.Dispose();
            StartNode(i);
            var n = i;
            await WaitHealthyAsync(NodeUrl(i), () => _nodes[n], _nodeLogs[i], timeout.Token);
        }
        // the gateway takes a node back in after its next good probe
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            var health = await GatewayHealthAsync(http);
            if (health.GetProperty("nodes").EnumerateArray().All(n => n.GetProperty("health").GetString() == "healthy")) return;
            await Task.Delay(250, timeout.Token);
        }
    }

    public async Task<JsonElement> GatewayHealthAsync(HttpClient http)
    {
        using var r = await http.GetAsync(GatewayUrl + "/health");
        return JsonSerializer.Deserialize<JsonElement>(await r.Content.ReadAsStringAsync());
    }

    public Task StopStandbyAsync() => PgAsync(CancellationToken.None, "pg_ctl", "-D", $"{_dir}/standby", "-m", "immediate", "-w", "stop");

    public Task StartStandbyAsync() => StartClusterAsync("standby", StandbyPort, CancellationToken.None, "-c hot_standby=on -c hot_standby_feedback=on");

    public string Logs() => $"--- gateway\n{_gatewayLog}\n--- node1\n{_nodeLogs[0]}\n--- node2\n{_nodeLogs[1]}";

    private Task StartClusterAsync(string name, int port, CancellationToken ct, string extra = "") =>
        PgAsync(ct, "pg_ctl", "-D", $"{_dir}/{name}", "-l", $"{_dir}/{name}.log", "-w", "-t", "60", "-o",
            $"-p {port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=120 {extra}", "start");

    internal static Process Start(string workDir, string project, Dictionary<string, string> env, StringBuilder log)
    {
        var dll = Path.Combine(GeoScript.RepoRoot, project, "bin", GeoScript.Config, "net10.0", project + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is missing: build the solution ({GeoScript.Config}) first");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment.Remove("GEO_DB");
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    internal static async Task WaitHealthyAsync(string url, Func<Process?> process, StringBuilder log, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        while (true)
        {
            if (process() is { HasExited: true }) throw new InvalidOperationException($"{url} exited during start\n{log}");
            try
            {
                using var r = await http.GetAsync(url + "/health", ct);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            catch (OperationCanceledException) { throw new TimeoutException($"{url} not healthy within {StartTimeout.TotalSeconds:F0} s\n{log}"); }
            await Task.Delay(250, ct);
        }
    }

    /// <summary>A PostgreSQL binary, as user postgres when the tests run as root (initdb and postgres refuse root).</summary>
    private static async Task PgAsync(CancellationToken ct, string tool, params string[] args)
    {
        var root = Environment.UserName == "root";
        var psi = new ProcessStartInfo(root ? "runuser" : Path.Combine(PgBin, tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (root) foreach (var a in new[] { "-u", "postgres", "--", Path.Combine(PgBin, tool) }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {await stdout}{await stderr}");
    }

    public async Task DisposeAsync()
    {
        foreach (var p in _nodes.Append(_gateway))
        {
            if (p is null) continue;
            try { if (!p.HasExited) { p.Kill(); await p.WaitForExitAsync(); } }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        if (Primary is not null) await Primary.DisposeAsync();
        if (Standby is not null) await Standby.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        foreach (var name in new[] { "standby", "primary" })
        {
            if (File.Exists($"{_dir}/{name}/postmaster.pid"))
            {
                try { await PgAsync(CancellationToken.None, "pg_ctl", "-D", $"{_dir}/{name}", "-m", "immediate", "-w", "stop"); }
                catch (InvalidOperationException) { }
            }
        }
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
