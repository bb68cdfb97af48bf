using Npgsql;

namespace Geo.Gateway;

/// <summary>The streaming standby as /health reports it. <see cref="LagS"/>: seconds of transactions the standby has
/// received but not replayed (0 when it has replayed all it received; from the standby itself), else the primary's
/// <c>replay_lag</c>; <see cref="LagBytes"/>: WAL the primary has and the standby has not replayed.</summary>
public sealed record ReplicaReport(string Status, string? Slot, string? State, long? LagBytes, double? LagS, bool? ReplayPaused, string? Error);

public sealed class ReplicaProbe(GatewayOptions options) : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _primary = Source(options.Primary);
    private readonly NpgsqlDataSource? _standby = Source(options.Standby);

    private static NpgsqlDataSource? Source(string? cs) => string.IsNullOrWhiteSpace(cs) ? null
        : NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cs) { Timeout = 2, CommandTimeout = 2, ApplicationName = "geo-gateway", MaxPoolSize = 2 });

    public async Task<ReplicaReport?> ReportAsync(CancellationToken ct)
    {
        if (_standby is null) return null;
        string? slot = null, state = null, error = null;
        long? bytes = null;
        double? lag = null;
        bool? paused = null;
        if (_primary is not null)
        {
            try
            {
                await using var cmd = _primary.CreateCommand("""
                    SELECT s.slot_name, r.state, pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint,
                           extract(epoch FROM r.replay_lag)::float8
                    FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
                    WHERE s.slot_type = 'physical' ORDER BY s.slot_name LIMIT 1
                    """);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                if (await r.ReadAsync(ct))
                {
                    slot = r.GetString(0);
                    state = r.IsDBNull(1) ? null : r.GetString(1);
                    bytes = r.IsDBNull(2) ? null : r.GetInt64(2);
                    lag = r.IsDBNull(3) ? (bytes == 0 ? 0 : null) : r.GetDouble(3);
                }
            }
            catch (NpgsqlException ex) { error = "primary: " + ex.Message; }
        }
        var standbyUp = false;
        try
        {
            await using var cmd = _standby.CreateCommand("""
                SELECT pg_is_wal_replay_paused(),
                       CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8
                """);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            paused = r.GetBoolean(0);
            var own = r.IsDBNull(1) ? (double?)null : Math.Round(r.GetDouble(1), 3);
            lag = own is > 0 || lag is null ? own : lag;
            standbyUp = true;
        }
        catch (NpgsqlException ex) { error = (error is null ? "" : error + "; ") + "standby: " + ex.Message; }
        var status = !standbyUp ? "down" : state == "streaming" ? "streaming" : state ?? "disconnected";
        return new ReplicaReport(status, slot, state, bytes, lag, paused, error);
    }

    public async ValueTask DisposeAsync()
    {
        if (_primary is not null) await _primary.DisposeAsync();
        if (_standby is not null) await _standby.DisposeAsync();
    }
}
