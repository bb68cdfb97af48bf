using System.Globalization;
using System.Runtime.InteropServices;
using Geo.Core.Data;
using Npgsql;

namespace Geo.Ingest.Cli.ScaleOut;

/// <summary>`topology up [--nodes N] [--replica] [--check]` | `topology down`: the launcher behind <c>./geo run --nodes N
/// [--replica]</c> and the stop of <c>./geo stop</c>. The script has made the primary ready (private cluster or GEO_DB,
/// migrated, base layers loaded); settings come from its environment: GEO_DB (the primary), GEO_PORT (the gateway;
/// nodes on the ports after it), GEO_PG_PORT (the standby on the port after it), GEO_PRIMARY_PGDIR (the private cluster's
/// directory: only it can be given a standby), GEO_STATE (logs and the state file).</summary>
public static class TopologyCommand
{
    public const string Usage = "topology up [--nodes N] [--replica] [--check] | topology down";

    private const string RunUsage = "./geo run [--nodes N] [--replica]";
    private const string StateFileName = "topology";

    public static async Task<int> RunAsync(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "up":
                if (Parse(args[1..]) is not { } o) return 2;
                if (Refusal(o.Replica) is { } refusal)
                {
                    await Console.Error.WriteLineAsync(refusal);
                    return 1;
                }
                return o.Check ? 0 : await UpAsync(o.Nodes, o.Replica);
            case "down":
                return await DownAsync();
            case "-h" or "--help":
                Console.WriteLine($"usage: {Usage}");
                return 0;
            default:
                await Console.Error.WriteLineAsync($"usage: {Usage}");
                return 2;
        }
    }

    /// <summary>The spec <c>./geo run --nodes N [--replica]</c> and <c>./geo bench scale</c> start, from the script's environment.</summary>
    public static TopologySpec SpecFromEnvironment(int nodes, bool replica)
    {
        if (Refusal(replica) is { } refusal) throw new InvalidOperationException(refusal);
        var pgPort = Port("GEO_PG_PORT", 55432);
        return new TopologySpec(GeoDb.ConnectionStringFromEnvironment(), Port("GEO_PORT", 5080), nodes)
        {
            Standby = replica ? new PgCluster(Env("GEO_PRIMARY_PGDIR")! + "-standby", pgPort + 1) : null,
            LogDirectory = StateDirectory(),
        };
    }

    private sealed record Options(int Nodes, bool Replica, bool Check);

    private static Options? Parse(string[] args)
    {
        int nodes = 1;
        bool replica = false, check = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--nodes" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 99:
                    nodes = n;
                    i++;
                    break;
                case "--nodes":
                    Console.Error.WriteLine("--nodes takes a number of web nodes from 1 to 99");
                    return null;
                case "--replica": replica = true; break;
                case "--check": check = true; break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}' for run; usage: {RunUsage}");
                    return null;
            }
        }
        return new Options(nodes, replica, check);
    }

    private static string? Refusal(bool replica) => replica && Env("GEO_PRIMARY_PGDIR") is null
        ? "--replica makes a standby of the private cluster; with GEO_DB set, run without --replica"
        : null;

    private static async Task<int> UpAsync(int nodes, bool replica)
    {
        var spec = SpecFromEnvironment(nodes, replica);
        var stateFile = Path.Combine(StateDirectory(), StateFileName);
        // SIGINT (Ctrl-C) and SIGTERM (./geo stop): stop everything, then exit
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        await File.WriteAllTextAsync(stateFile, State(null));
        Topology topology;
        try
        {
            topology = await Topology.StartAsync(spec, Say, stop.Token);
        }
        catch (OperationCanceledException)
        {
            File.Delete(stateFile);
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or NpgsqlException or FileNotFoundException)
        {
            File.Delete(stateFile);
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        await using (topology)
        {
            await File.WriteAllTextAsync(stateFile, State(topology));
            var nodeUrls = string.Join(',', Enumerable.Range(0, nodes).Select(topology.NodeUrl));
            Say($"ready: {topology.GatewayUrl}  ({nodes} node(s): {nodeUrls}{(topology.Standby is { } s ? $", standby on :{s.Port}" : "")}; " +
                $"health: {topology.GatewayUrl}/health; stop: ./geo stop or Ctrl-C)");
            await WaitExitAsync(topology.Gateway!, stop.Token);
            var crashed = !stop.IsCancellationRequested;
            if (crashed) await Console.Error.WriteLineAsync($"the gateway exited:\n{topology.Gateway!.Tail(30)}");
            await topology.StopAsync();
            File.Delete(stateFile);
            return crashed ? 1 : 0;
        }
    }

    private static async Task WaitExitAsync(HostProcess p, CancellationToken ct)
    {
        while (!p.HasExited && !ct.IsCancellationRequested) await Task.Delay(500, CancellationToken.None);
    }

    /// <summary>Lines "launcher PID", "NAME PID" per process, "standby DIR": what <see cref="DownAsync"/> stops when the
    /// launcher is gone.</summary>
    private static string State(Topology? t)
    {
        var lines = new List<string> { $"launcher {Environment.ProcessId}" };
        if (t is not null)
        {
            lines.AddRange(t.Processes.Select(p => $"{p.Name} {p.Pid}"));
            if (t.Standby is { } s) lines.Add($"standby {s.Directory}");
        }
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Asks the launcher to stop what it started (SIGTERM), then stops whatever is left of it: processes of a
    /// launcher that was killed, and the standby.</summary>
    private static async Task<int> DownAsync()
    {
        var stateFile = Path.Combine(StateDirectory(), StateFileName);
        if (!File.Exists(stateFile)) return 0;
        var state = (await File.ReadAllLinesAsync(stateFile)).Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToList();
        var pids = state.Where(p => p[0] != "standby" && int.TryParse(p[1], CultureInfo.InvariantCulture, out _))
            .Select(p => (Name: p[0], Pid: int.Parse(p[1], CultureInfo.InvariantCulture))).Where(p => IsAlive(p.Pid)).ToList();
        foreach (var (_, pid) in pids.Where(p => p.Name == "launcher")) HostProcess.Signal(pid, "TERM");
        foreach (var (name, pid) in pids.Where(p => p.Name != "launcher"))
        {
            // the launcher stops them itself; these are left over only when it was killed
            if (!await ExitedWithinAsync(pid, TimeSpan.FromSeconds(15))) HostProcess.Signal(pid, "TERM");
            if (!await ExitedWithinAsync(pid, TimeSpan.FromSeconds(10))) HostProcess.Signal(pid, "KILL");
        }
        foreach (var (_, pid) in pids.Where(p => p.Name == "launcher")) await ExitedWithinAsync(pid, TimeSpan.FromSeconds(30));
        var stopped = pids.Count(p => p.Name != "launcher");
        if (stopped > 0) Say($"gateway and nodes stopped ({stopped} processes)");
        foreach (var dir in state.Where(p => p[0] == "standby").Select(p => p[1]))
        {
            var standby = new PgCluster(dir, 0);
            if (!standby.MayBeRunning) continue;
            await standby.StopAsync();
            Say("standby stopped");
        }
        File.Delete(stateFile);
        return 0;
    }

    private static async Task<bool> ExitedWithinAsync(int pid, TimeSpan timeout)
    {
        for (var waited = TimeSpan.Zero; IsAlive(pid); waited += TimeSpan.FromMilliseconds(200))
        {
            if (waited > timeout) return false;
            await Task.Delay(200);
        }
        return true;
    }

    /// <summary>Running, not a zombie (an exited child its parent has not reaped yet).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException) { return false; }
    }

    private static void Say(string message) => Console.Error.WriteLine($"\u001b[1m[geo]\u001b[0m {message}");

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static int Port(string name, int fallback) =>
        Env(name) is { } v ? int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;

    private static string StateDirectory() => Directory.CreateDirectory(Env("GEO_STATE") ?? Path.Combine(Directory.GetCurrentDirectory(), ".geo")).FullName;
}
