using System.Diagnostics;
using System.Globalization;

namespace Geo.Ingest.Cli.ScaleOut;

/// <summary>One PostgreSQL cluster in a directory (<c>DIR/data</c>, log <c>DIR/server.log</c>, socket in DIR), listening
/// on 127.0.0.1 only. The tools run as user postgres when we are root (initdb and postgres refuse root), as the
/// script's private cluster does.</summary>
public sealed class PgCluster(string directory, int port)
{
    public static string Bin { get; } = Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } b ? b : "/usr/lib/postgresql/15/bin";

    private static readonly bool AsRoot = Environment.UserName == "root";

    public string Directory { get; } = directory;

    public int Port { get; } = port;

    public string DataDirectory => Path.Combine(Directory, "data");

    public bool HasData => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    /// <summary>A server may be running: its pid file is there (<see cref="StartAsync"/> tells a stale one apart).</summary>
    public bool MayBeRunning => File.Exists(Path.Combine(DataDirectory, "postmaster.pid"));

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database}";

    public async Task InitAsync(CancellationToken ct)
    {
        PrepareDirectory();
        await RunAsync(ct, "initdb", "-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
    }

    /// <summary>Starts the server (a no-op when it runs already) with extra <c>-c name=value</c> settings.</summary>
    public async Task StartAsync(IEnumerable<string> settings, CancellationToken ct)
    {
        if (MayBeRunning)
        {
            if (await TryRunAsync(ct, "pg_ctl", "-D", DataDirectory, "status")) return;
            File.Delete(Path.Combine(DataDirectory, "postmaster.pid")); // no live server behind it
        }
        var options = string.Join(' ', new[] { $"-p {Port.ToString(CultureInfo.InvariantCulture)}", $"-k {Directory}", "-c listen_addresses=127.0.0.1" }
            .Concat(settings.Select(s => "-c " + s)));
        await RunAsync(ct, "pg_ctl", "-D", DataDirectory, "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "60", "-o", options, "start");
    }

    /// <summary>fast: sessions are ended cleanly; immediate: like a crash (the tests' standby outage).</summary>
    public async Task StopAsync(string mode = "fast")
    {
        if (!MayBeRunning) return;
        await TryRunAsync(CancellationToken.None, "pg_ctl", "-D", DataDirectory, "-m", mode, "-w", "stop");
    }

    /// <summary>Makes this cluster a streaming standby of <paramref name="primaryPort"/> through the physical replication
    /// slot <paramref name="slot"/> (created by pg_basebackup; standby.signal and primary_conninfo written by -R).</summary>
    public async Task BaseBackupAsync(int primaryPort, string slot, CancellationToken ct)
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        PrepareDirectory();
        await RunAsync(ct, "pg_basebackup", "-h", "127.0.0.1", "-p", primaryPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", DataDirectory, "-R", "-C", "-S", slot, "-X", "stream", "-c", "fast");
    }

    private void PrepareDirectory()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (OperatingSystem.IsWindows()) return;
        // the server runs as postgres: it must reach the directory (temporary directories are 0700)
        File.SetUnixFileMode(Directory, (UnixFileMode)0b111_101_101);
        if (AsRoot) Run("chown", "postgres:postgres", Directory);
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(file, args);
        p.WaitForExit();
    }

    private static async Task RunAsync(CancellationToken ct, string tool, params string[] args)
    {
        var (code, output) = await ExecAsync(ct, tool, args);
        if (code != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({code}): {output.Trim()}");
    }

    private static async Task<bool> TryRunAsync(CancellationToken ct, string tool, params string[] args) => (await ExecAsync(ct, tool, args)).Code == 0;

    private static async Task<(int Code, string Output)> ExecAsync(CancellationToken ct, string tool, string[] args)
    {
        var psi = new ProcessStartInfo(AsRoot ? "runuser" : Path.Combine(Bin, tool))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        if (AsRoot) foreach (var a in new[] { "-u", "postgres", "--", Path.Combine(Bin, tool) }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await stdout + await stderr);
    }
}
