using System.Diagnostics;
using System.Globalization;

namespace Geo.Ingest.Cli.ScaleOut;

/// <summary>A built Geo host (Geo.Web or Geo.Gateway) run as its own process: its output goes straight to a log file
/// (not through us), so it outlives a launcher that is killed and <c>topology down</c> can still stop it.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;

    private HostProcess(string name, string url, string logFile, Process process) =>
        (Name, Url, LogFile, _process) = (name, url, logFile, process);

    public string Name { get; }

    public string Url { get; }

    public string LogFile { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The checkout and the configuration whose built hosts are run by default: those this assembly was built in
    /// (…/PROJECT/bin/CONFIG/net10.0/).</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string Configuration { get; } = Here.Parent?.Name ?? "Release";

    private static DirectoryInfo Here => new(Path.GetDirectoryName(typeof(HostProcess).Assembly.Location)!);

    /// <summary>Starts the built <paramref name="project"/> (Geo.Web runs in its project directory, for its static files) on
    /// <paramref name="url"/>. GEO_DB is not passed on: a host takes its databases from the connection strings in
    /// <paramref name="env"/>.</summary>
    public static HostProcess Start(string name, string project, string url, IReadOnlyDictionary<string, string> env, string logFile,
        string? repoRoot = null, string? configuration = null)
    {
        repoRoot ??= RepoRoot;
        var dll = Path.Combine(repoRoot, project, "bin", configuration ?? Configuration, "net10.0", project + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is missing: build the solution first");
        var workDir = project == "Geo.Web" ? Path.Combine(repoRoot, project) : repoRoot;
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workDir, UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in new[] { "-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", "sh", logFile, "dotnet", dll }) psi.ArgumentList.Add(a);
        psi.Environment.Remove("GEO_DB");
        psi.Environment["ASPNETCORE_URLS"] = url;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return new HostProcess(name, url, logFile, p);
    }

    /// <summary>Until GET /health answers 2xx; fails at once when the process exits, with the end of its log.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (HasExited) throw new InvalidOperationException($"{Name} ({Url}) exited during start (log {LogFile}):\n{Tail(30)}");
            if (sw.Elapsed > timeout) throw new TimeoutException($"{Name} ({Url}) not healthy within {timeout.TotalSeconds:F0} s (log {LogFile}):\n{Tail(30)}");
            try
            {
                using var r = await http.GetAsync(Url + "/health", ct);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(250, ct);
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, in-flight requests are cut (a crashed node).</summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: false); }
        catch (InvalidOperationException) { } // exited already
    }

    public Task WaitForExitAsync(CancellationToken ct = default) => _process.WaitForExitAsync(ct);

    /// <summary>SIGTERM (the host shuts down gracefully), SIGKILL when it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited) return;
        Signal(Pid, "TERM");
        using var cts = new CancellationTokenSource(grace);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync();
        }
    }

    public string Tail(int lines)
    {
        try
        {
            using var f = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var r = new StreamReader(f);
            var all = r.ReadToEnd().Split('\n');
            return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
        }
        catch (IOException) { return ""; }
    }

    /// <summary>kill -SIGNAL PID; false when there is no such process (or it is not ours to signal).</summary>
    internal static bool Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) }, RedirectStandardError = true });
        kill!.WaitForExit();
        return kill.ExitCode == 0;
    }

    public void Dispose() => _process.Dispose();

    private static string FindRoot()
    {
        for (var d = Here; d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Geo.sln"))) return d.FullName;
        return Directory.GetCurrentDirectory();
    }
}
