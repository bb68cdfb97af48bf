using System.Text.Json;
using Geo.Core.Data;
using Geo.Ingest.Cli.ScaleOut;
using Geo.Tests.Cli;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Tests.Scale;

/// <summary>A scaled-out Geo on 127.0.0.1, all on free ports and torn down afterwards: a primary (its own cluster:
/// physical replication copies a whole cluster), then the topology <c>./geo run --nodes 2 --replica</c> starts, by the
/// same launcher (<see cref="Topology"/>): a hot standby made with pg_basebackup through the slot <c>geo_standby</c>,
/// two Geo.Web nodes from this build (processes, so one can be SIGKILLed) with the jobs on, and the YARP gateway.</summary>
public sealed class ScaleCluster : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);
    private readonly string _dir = Directory.CreateTempSubdirectory("geo-scale-").FullName;
    private PgCluster _primary = null!;
    private Topology _topology = null!;

    /// <summary>How far behind a node lets the standby be: generous, so the read-your-writes test has a window in
    /// which a reader without the writer's position really is served from the (paused) standby.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(5);

    public string GatewayUrl => _topology.GatewayUrl;
    public string NodeUrl(int i) => _topology.NodeUrl(i);
    public string PrimaryConnectionString => _primary.ConnectionString("geo") + ";Maximum Pool Size=20";
    public string StandbyConnectionString => _topology.Standby!.ConnectionString("geo") + ";Timeout=5";
    public NpgsqlDataSource Primary { get; private set; } = null!;
    public NpgsqlDataSource Standby { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        // the clusters run as postgres when we are root: it must reach their directories
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        _primary = new PgCluster(Path.Combine(_dir, "primary"), GeoScript.FreePort());
        await _primary.InitAsync(ct);
        await _primary.StartAsync(["fsync=off", "full_page_writes=off", "max_connections=120"], ct);
        await using (var admin = NpgsqlDataSource.Create(_primary.ConnectionString("postgres")))
        {
            await using var cmd = admin.CreateCommand("CREATE DATABASE geo");
            await cmd.ExecuteNonQueryAsync(ct);
        }
        Primary = GeoDb.CreateDataSource(PrimaryConnectionString);
        await using (var cmd = Primary.CreateCommand("CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;")) await cmd.ExecuteNonQueryAsync(ct);
        await using (var db = GeoDb.CreateContext(Primary)) await db.Database.MigrateAsync(ct);

        var gatewayPort = GeoScript.FreePort();
        _topology = await Topology.StartAsync(new TopologySpec(PrimaryConnectionString, gatewayPort, Nodes: 2)
        {
            NodePorts = [GeoScript.FreePort(), GeoScript.FreePort()],
            Standby = new PgCluster(Path.Combine(_dir, "standby"), GeoScript.FreePort()),
            Durable = false,
            PoolSize = 20,
            LogDirectory = _dir,
            Configuration = GeoScript.Config,
            NodeSettings = new Dictionary<string, string>
            {
                ["Geo__Replica__MaxLag"] = MaxLag.ToString(),
                ["Geo__Jobs__SlaClockInterval"] = "00:00:00.5",
                ["Geo__Jobs__HeartbeatInterval"] = "01:00:00",
                ["Geo__Jobs__ClusterCheckinInterval"] = "00:00:01",
                ["Geo__Scorecard__WarmOnStart"] = "false",
                // the load generator is one client address: the per-address report quota would refuse it
                ["Hardening__ReportsPerMinute"] = "1000000",
                ["Hardening__SignInPerMinute"] = "1000000",
                ["Logging__LogLevel__Default"] = "Warning",
            },
            GatewaySettings = new Dictionary<string, string>
            {
                ["Gateway__HealthInterval"] = "00:00:01",
                ["Gateway__HealthTimeout"] = "00:00:01",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        }, ct: ct);
        Standby = GeoDb.CreateDataSource(StandbyConnectionString);
    }

    /// <summary>SIGKILL: no graceful shutdown, in-flight requests are cut.</summary>
    public void KillNode(int i) => _topology.KillNode(i);

    /// <summary>Restarts whichever node a test killed, so every test starts from two healthy nodes.</summary>
    public async Task EnsureNodesAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _topology.RestartExitedNodesAsync(timeout.Token);
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

    public Task StopStandbyAsync() => _topology.CrashStandbyAsync();

    public Task StartStandbyAsync() => _topology.StartStandbyAsync();

    public string Logs() => _topology.Logs();

    public async Task DisposeAsync()
    {
        if (_topology is not null) await _topology.DisposeAsync();
        if (Primary is not null) await Primary.DisposeAsync();
        if (Standby is not null) await Standby.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_primary is not null) await _primary.StopAsync("immediate");
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
