using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Geo.Tests.Cli;

/// <summary>What one run of the `geo` script left behind.</summary>
internal sealed record ScriptResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>stderr without the script's own `[geo] ...` progress lines (its errors stay: they are red).</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(l => !l.StartsWith("\u001b[1m[geo]", StringComparison.Ordinal)).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real ./geo script of this checkout against a test database, with the binaries the
/// test run already built (GEO_NO_BUILD=1: a build from inside the test run would race the one under
/// test) and its own state directory (so a developer's running host and its pid file are never touched).
/// Every run is bounded: on timeout the whole process tree is killed and the test fails with the output.</summary>
internal sealed class GeoScript : IDisposable
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration this test assembly was built in, hence the one whose
    /// binaries exist next to it.</summary>
    public static string Config { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    private readonly string _connectionString;

    public GeoScript(string connectionString) => _connectionString = connectionString;

    public string StateDir { get; } = Directory.CreateTempSubdirectory("geo-smoke-state-").FullName;

    public int WebPort { get; } = FreePort();

    public Dictionary<string, string> Extra { get; } = [];

    public Task<ScriptResult> RunAsync(TimeSpan timeout, params string[] args) => RunAsync(timeout, null, args);

    public async Task<ScriptResult> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var p = Start(env, args, out var stdout, out var stderr);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            Assert.Fail($"./geo {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:F0} s (killed)\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        }
        p.WaitForExit(); // drains the asynchronous output readers
        return new ScriptResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A long-running command (`run`): the caller stops it and must dispose the process.</summary>
    public Process StartBackground(out StringBuilder stdout, out StringBuilder stderr, params string[] args) =>
        Start(null, args, out stdout, out stderr);

    private Process Start(IReadOnlyDictionary<string, string>? env, string[] args, out StringBuilder stdout, out StringBuilder stderr)
    {
        var psi = new ProcessStartInfo(Path.Combine(RepoRoot, "geo"))
        {
            WorkingDirectory = RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GEO_DB"] = _connectionString;
        psi.Environment["GEO_NO_BUILD"] = "1";
        psi.Environment["GEO_CONFIG"] = Config;
        psi.Environment["GEO_STATE"] = StateDir;
        psi.Environment["GEO_PORT"] = WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment.Remove("GEO_BENCH_DB");
        foreach (var (k, v) in Extra) psi.Environment[k] = v;
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = new Process { StartInfo = psi };
        var o = new StringBuilder();
        var e = new StringBuilder();
        p.OutputDataReceived += (_, d) => { if (d.Data is not null) lock (o) o.AppendLine(d.Data); };
        p.ErrorDataReceived += (_, d) => { if (d.Data is not null) lock (e) e.AppendLine(d.Data); };
        p.Start();
        p.StandardInput.Close(); // nothing here may wait for a terminal
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        (stdout, stderr) = (o, e);
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(StateDir, recursive: true); } catch (IOException) { }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "geo")) && File.Exists(Path.Combine(d.FullName, "Geo.sln"))) return d.FullName;
        }
        throw new InvalidOperationException($"no checkout (geo + Geo.sln) above {AppContext.BaseDirectory}");
    }
}
