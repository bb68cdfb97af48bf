using System.Globalization;
using Npgsql;

namespace Geo.Ingest.Cli.ScaleOut;

/// <summary>What to start: N web nodes on <see cref="NodePorts"/> behind the YARP gateway on <see cref="GatewayPort"/>,
/// reading and writing the primary of <see cref="PrimaryConnectionString"/>, and with <see cref="Standby"/> a hot standby
/// of that primary taking the lag-tolerant reads. The primary itself is the caller's (the script's private cluster,
/// or a test's own).</summary>
public sealed record TopologySpec(string PrimaryConnectionString, int GatewayPort, int Nodes)
{
    /// <summary>Empty: GatewayPort+1 … GatewayPort+Nodes.</summary>
    public IReadOnlyList<int> NodePorts { get; init; } = [];

    /// <summary>The standby cluster (a directory and a port); null: every read goes to the primary.</summary>
    public PgCluster? Standby { get; init; }

    /// <summary>false: fsync off on the standby (throwaway clusters of the tests).</summary>
    public bool Durable { get; init; } = true;

    /// <summary>Per node and per data source (primary, reads); null: 64 shared by the nodes, at least 16 each.</summary>
    public int? PoolSize { get; init; }

    /// <summary>node1.log … and gateway.log go here.</summary>
    public string LogDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Settings for every node (environment, e.g. <c>Geo__Replica__MaxLag</c>), after the connection strings.</summary>
    public IReadOnlyDictionary<string, string> NodeSettings { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> GatewaySettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The checkout and the configuration whose built hosts are run: by default those this assembly was built in.</summary>
    public string RepoRoot { get; init; } = HostProcess.RepoRoot;

    public string Configuration { get; init; } = HostProcess.Configuration;

    internal int NodePort(int i) => NodePorts.Count > 0 ? NodePorts[i] : GatewayPort + 1 + i;
}

/// <summary>The scaled-out Geo on one machine, started and stopped in one place: behind <c>./geo run --nodes N
/// [--replica]</c> (<see cref="TopologyCommand"/>), <c>./geo bench scale</c> and the scale-out tests.</summary>
public sealed class Topology : IAsyncDisposable
{
    /// <summary>The physical replication slot the standby streams through (made by pg_basebackup, kept by the primary).</summary>
    public const string StandbySlot = "geo_standby";

    public static readonly TimeSpan NodeStartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly TopologySpec _spec;
    private readonly Action<string> _say;
    private readonly HostProcess?[] _nodes;
    private string[] _standbySettings = [];

    private Topology(TopologySpec spec, Action<string> say)
    {
        _spec = spec;
        _say = say;
        _nodes = new HostProcess?[spec.Nodes];
    }

    public TopologySpec Spec => _spec;

    public HostProcess? Gateway { get; private set; }

    public string GatewayUrl => Url(_spec.GatewayPort);

    public string NodeUrl(int i) => Url(_spec.NodePort(i));

    public PgCluster? Standby => _spec.Standby;

    /// <summary>The processes running now (nodes and gateway), for a state file another process stops them by.</summary>
    public IEnumerable<HostProcess> Processes => _nodes.Append(Gateway).OfType<HostProcess>().Where(p => !p.HasExited);

    /// <summary>Standby (when asked for), nodes, gateway; each healthy before the next. On failure or cancellation
    /// whatever was started is stopped again.</summary>
    public static async Task<Topology> StartAsync(TopologySpec spec, Action<string>? say = null, CancellationToken ct = default)
    {
        if (spec.Nodes is < 1 or > 99) throw new ArgumentOutOfRangeException(nameof(spec), "from 1 to 99 web nodes");
        var t = new Topology(spec, say ?? (_ => { }));
        try
        {
            if (spec.Standby is { } standby) await t.EnsureStandbyAsync(standby, ct);
            for (var i = 0; i < spec.Nodes; i++) t.StartNode(i);
            await Task.WhenAll(t._nodes.Select(n => n!.WaitHealthyAsync(NodeStartTimeout, ct)));
            t.StartGateway();
            await t.Gateway!.WaitHealthyAsync(TimeSpan.FromSeconds(60), ct);
            return t;
        }
        catch
        {
            await t.StopAsync();
            throw;
        }
    }

    /// <summary>SIGKILL of node <paramref name="i"/> (0-based): a crash, in-flight requests cut.</summary>
    public void KillNode(int i) => _nodes[i]?.Kill();

    /// <summary>Starts again every node that is not running, and waits until it is healthy.</summary>
    public async Task RestartExitedNodesAsync(CancellationToken ct = default)
    {
        var restarted = new List<HostProcess>();
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i] is { HasExited: false }) continue;
            _nodes[i]?.Dispose();
            restarted.Add(StartNode(i));
        }
        await Task.WhenAll(restarted.Select(n => n.WaitHealthyAsync(NodeStartTimeout, ct)));
    }

    /// <summary>pg_ctl stop -m immediate: the standby disappears as in a crash.</summary>
    public Task CrashStandbyAsync() => Standby?.StopAsync("immediate") ?? Task.CompletedTask;

    public Task StartStandbyAsync(CancellationToken ct = default) => Standby?.StartAsync(_standbySettings, ct) ?? Task.CompletedTask;

    /// <summary>The end of each process's log, for a failure message.</summary>
    public string Logs(int lines = 60) =>
        string.Join('\n', _nodes.Append(Gateway).OfType<HostProcess>().Select(p => $"--- {p.Name} ({p.LogFile})\n{p.Tail(lines)}"));

    /// <summary>Gateway first (no new requests), then the nodes, then the standby; the primary is the caller's.</summary>
    public async Task StopAsync()
    {
        if (Gateway is not null) await Gateway.StopAsync(StopGrace);
        await Task.WhenAll(_nodes.OfType<HostProcess>().Select(n => n.StopAsync(StopGrace)));
        if (Standby is not null) await Standby.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var p in _nodes.Append(Gateway)) p?.Dispose();
    }

    /// <summary>A standby is made once with pg_basebackup and kept; it is made again when the primary has lost its slot
    /// (a new primary, or the slot dropped), since it could not catch up without it.</summary>
    private async Task EnsureStandbyAsync(PgCluster standby, CancellationToken ct)
    {
        var primary = new NpgsqlConnectionStringBuilder(_spec.PrimaryConnectionString);
        await using var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_spec.PrimaryConnectionString)
        {
            Database = "postgres", Pooling = false, MaxPoolSize = 1,
        }.ConnectionString);
        await using (var cmd = admin.CreateCommand("SHOW max_connections"))
        {
            // a hot standby refuses to start with fewer connections than the primary
            _standbySettings = ["hot_standby=on", "hot_standby_feedback=on", $"max_connections={await cmd.ExecuteScalarAsync(ct)}"];
        }
        if (!_spec.Durable) _standbySettings = [.. _standbySettings, "fsync=off", "full_page_writes=off"];
        bool hasSlot;
        await using (var cmd = admin.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)"))
        {
            cmd.Parameters.AddWithValue(StandbySlot);
            hasSlot = (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }
        if (!standby.HasData || !hasSlot)
        {
            await standby.StopAsync();
            if (hasSlot)
            {
                await using var drop = admin.CreateCommand("SELECT pg_drop_replication_slot($1)");
                drop.Parameters.AddWithValue(StandbySlot);
                await drop.ExecuteNonQueryAsync(ct);
            }
            _say($"making the standby with pg_basebackup (slot {StandbySlot})");
            await standby.BaseBackupAsync(primary.Port, StandbySlot, ct);
        }
        await standby.StartAsync(_standbySettings, ct);
        _say($"standby streaming on 127.0.0.1:{standby.Port}");
    }

    private HostProcess StartNode(int i)
    {
        var pool = (_spec.PoolSize ?? Math.Max(16, 64 / _spec.Nodes)).ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } e ? e : "Production",
            ["ConnectionStrings__Geo"] = new NpgsqlConnectionStringBuilder(_spec.PrimaryConnectionString) { ["Maximum Pool Size"] = pool }.ConnectionString,
        };
        if (Standby is not null)
        {
            // both hosts: the nodes prefer the standby and fall back to the primary when it is down
            var p = new NpgsqlConnectionStringBuilder(_spec.PrimaryConnectionString);
            env["ConnectionStrings__GeoRead"] = new NpgsqlConnectionStringBuilder(_spec.PrimaryConnectionString)
            {
                Host = $"127.0.0.1:{Standby.Port},{p.Host}:{p.Port}", ["Maximum Pool Size"] = pool,
            }.ConnectionString;
        }
        foreach (var (k, v) in _spec.NodeSettings) env[k] = v;
        return _nodes[i] = HostProcess.Start($"node{i + 1}", "Geo.Web", NodeUrl(i), env, Path.Combine(_spec.LogDirectory, $"node{i + 1}.log"),
            _spec.RepoRoot, _spec.Configuration);
    }

    private void StartGateway()
    {
        var env = new Dictionary<string, string>
        {
            ["Gateway__Nodes"] = string.Join(',', Enumerable.Range(0, _spec.Nodes).Select(NodeUrl)),
            ["ConnectionStrings__Primary"] = _spec.PrimaryConnectionString,
        };
        if (Standby is not null)
        {
            env["ConnectionStrings__Standby"] = new NpgsqlConnectionStringBuilder(_spec.PrimaryConnectionString)
            {
                Host = "127.0.0.1", Port = Standby.Port, Timeout = 5,
            }.ConnectionString;
        }
        foreach (var (k, v) in _spec.GatewaySettings) env[k] = v;
        Gateway = HostProcess.Start("gateway", "Geo.Gateway", GatewayUrl, env, Path.Combine(_spec.LogDirectory, "gateway.log"),
            _spec.RepoRoot, _spec.Configuration);
    }

    private static string Url(int port) => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
