using Geo.Core.Common;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Geo.Api.Scale;

/// <summary>Settings of the read replica (<c>Geo:Replica</c>); the replica itself is <c>ConnectionStrings:GeoRead</c>,
/// an Npgsql multi-host string listing the standby first and the primary after it.</summary>
public sealed class ReplicaOptions
{
    public const string Section = "Geo:Replica";

    /// <summary>How far behind the primary the standby may be for a lag-tolerant read to go there.</summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each node compares the standby's replay position with the primary's WAL position.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public IEnumerable<string> Problems()
    {
        if (MaxLag <= TimeSpan.Zero) yield return "MaxLag must be a positive time span (e.g. 00:00:01)";
        if (PollInterval <= TimeSpan.Zero || PollInterval > MaxLag) yield return "PollInterval must be positive and at most MaxLag";
    }
}

/// <summary>What a node knows about the standby, for /health.</summary>
public sealed record ReplicaStatus(bool Configured, bool Available, double? LagS, string? ReplayLsn, string ReadsGoTo, string? Error);

/// <summary>Where a read goes. Writes, and every read not named lag-tolerant, use the primary (the one
/// <see cref="NpgsqlDataSource"/> in DI). Lag-tolerant reads (OGC items, tiles, nearby, isochrones, exports) ask
/// <see cref="For"/>: the standby when one is configured, reachable, at most <see cref="ReplicaOptions.MaxLag"/>
/// behind, and past the caller's own last write (read-your-writes, <see cref="ReadYourWrites"/>); the primary otherwise.</summary>
public sealed class GeoReads : IAsyncDisposable
{
    private readonly NpgsqlMultiHostDataSource? _hosts;
    private readonly ReplicaOptions _options;
    private readonly TimeProvider _clock;
    private long _replayLsn;            // the standby's replay position at the last poll
    private long _caughtUpToTicks;      // the standby holds everything the primary had committed at this time
    private volatile bool _available;
    private volatile string? _error;

    public GeoReads(NpgsqlDataSource primary, string? replicaConnectionString, ReplicaOptions options, TimeProvider? clock = null)
    {
        Primary = primary;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        if (string.IsNullOrWhiteSpace(replicaConnectionString)) return;
        var cs = new NpgsqlConnectionStringBuilder(replicaConnectionString) { NoResetOnClose = true };
        if (string.IsNullOrEmpty(cs.ApplicationName)) cs.ApplicationName = ApplicationName;
        // a standby back from a restart takes reads again within seconds (Npgsql's default is to skip it for 10 s)
        if (!replicaConnectionString.Contains("Recheck", StringComparison.OrdinalIgnoreCase)) cs.HostRecheckSeconds = 2;
        var builder = new NpgsqlDataSourceBuilder(cs.ConnectionString);
        builder.UseNetTopologySuite();
        _hosts = builder.BuildMultiHost();
        Replica = _hosts.WithTargetSession(TargetSessionAttributes.PreferStandby);
        // the monitor has its own small pool (and name), so pg_stat_activity tells its polls from the reads
        var monitor = new NpgsqlConnectionStringBuilder(cs.ConnectionString)
        {
            ApplicationName = MonitorApplicationName, MaxPoolSize = 1, MinPoolSize = 0, Timeout = 2,
        };
        _monitorHosts = new NpgsqlDataSourceBuilder(monitor.ConnectionString).BuildMultiHost();
        Standby = _monitorHosts.WithTargetSession(TargetSessionAttributes.Standby);
    }

    private readonly NpgsqlMultiHostDataSource? _monitorHosts;

    public const string MonitorApplicationName = "geo-replica-monitor";

    /// <summary>application_name of the replica's connections (pg_stat_activity shows where reads ran).</summary>
    public const string ApplicationName = "geo-read";

    public NpgsqlDataSource Primary { get; }

    /// <summary>The multi-host source with <c>Target Session Attributes=prefer-standby</c>: a standby that dies between
    /// two polls still serves, Npgsql falls over to the primary by itself.</summary>
    public NpgsqlDataSource? Replica { get; }

    /// <summary>Standby only: what the monitor polls.</summary>
    internal NpgsqlDataSource? Standby { get; }

    public bool Configured => Replica is not null;

    public ReplicaOptions Options => _options;

    /// <summary>Time the standby is behind, as seen by this node; null when it is not in use.</summary>
    public TimeSpan? Lag => Configured && _available
        ? _clock.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref _caughtUpToTicks), TimeSpan.Zero)
        : null;

    public ulong ReplayLsn => (ulong)Interlocked.Read(ref _replayLsn);

    /// <summary>The source for a lag-tolerant read of this request.</summary>
    public NpgsqlDataSource For(HttpContext http) => UseReplica(ReadYourWrites.MinLsn(http.Request)) ? Replica! : Primary;

    /// <summary>The source for a tile that will be cached: the standby only when it has replayed everything committed
    /// before the cache's last eviction (else the tile could be rendered from the data the eviction was about).</summary>
    public NpgsqlDataSource ForCachedTile(DateTimeOffset lastInvalidation) =>
        UseReplica(0) && new DateTimeOffset(Interlocked.Read(ref _caughtUpToTicks), TimeSpan.Zero) >= lastInvalidation ? Replica! : Primary;

    private bool UseReplica(ulong minLsn) =>
        Replica is not null && _available && Lag <= _options.MaxLag && (minLsn == 0 || ReplayLsn >= minLsn);

    public ReplicaStatus Status()
    {
        if (!Configured) return new ReplicaStatus(false, false, null, null, "primary", null);
        var lag = Lag;
        return new ReplicaStatus(true, _available, lag is { } l ? Math.Round(l.TotalSeconds, 3) : null,
            _available ? Lsn.Format(ReplayLsn) : null, UseReplica(0) ? "standby" : "primary", _error);
    }

    /// <summary>The primary's current WAL position (what a writer must see replayed before reading from the standby).</summary>
    public async Task<ulong> PrimaryLsnAsync(CancellationToken ct)
    {
        await using var cmd = Primary.CreateCommand("SELECT pg_current_wal_lsn()::text");
        return Lsn.Parse((string)(await cmd.ExecuteScalarAsync(ct))!);
    }

    /// <summary>One observation of the monitor: the primary was at <paramref name="primaryLsn"/> at <paramref name="at"/>
    /// (read before the standby), the standby had replayed up to <paramref name="replayLsn"/>.</summary>
    internal void Observe(DateTimeOffset at, ulong primaryLsn, ulong replayLsn, Queue<(DateTimeOffset At, ulong Lsn)> samples)
    {
        samples.Enqueue((at, primaryLsn));
        var caughtUp = new DateTimeOffset(Interlocked.Read(ref _caughtUpToTicks), TimeSpan.Zero);
        // the newest primary position the standby has reached tells how current it is
        foreach (var (t, lsn) in samples)
        {
            if (lsn <= replayLsn && t > caughtUp) caughtUp = t;
        }
        while (samples.Count > 1 && samples.Peek().At <= caughtUp) samples.Dequeue();
        while (samples.Count > 256) samples.Dequeue();
        Interlocked.Exchange(ref _replayLsn, (long)replayLsn);
        Interlocked.Exchange(ref _caughtUpToTicks, caughtUp.UtcTicks);
        _error = null;
        _available = true;
    }

    internal void Unavailable(string error)
    {
        _available = false;
        _error = error;
    }

    public async ValueTask DisposeAsync()
    {
        if (_hosts is not null) await _hosts.DisposeAsync();
        if (_monitorHosts is not null) await _monitorHosts.DisposeAsync();
    }
}

/// <summary>PostgreSQL WAL positions ("16/B374D848") as numbers.</summary>
public static class Lsn
{
    public static ulong Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0 || !uint.TryParse(text.AsSpan(0, slash), System.Globalization.NumberStyles.HexNumber, null, out var hi)
            || !uint.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.HexNumber, null, out var lo))
        {
            throw GeoException.BadInput("lsn", $"'{text}' is not a WAL position like 0/16B3748");
        }
        return ((ulong)hi << 32) | lo;
    }

    public static bool TryParse(string? text, out ulong lsn)
    {
        lsn = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 17) return false;
        try { lsn = Parse(text); return true; }
        catch (GeoException) { return false; }
    }

    public static string Format(ulong lsn) => $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}";
}
