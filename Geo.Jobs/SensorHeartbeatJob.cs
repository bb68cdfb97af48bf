using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Geo.Jobs;

/// <summary>Sensors silent for longer than Geo:Sensors:HeartbeatTimeout (default 15 min) go offline,
/// which coverage analysis then sees. A reading brings them back (SensorIntake).</summary>
[DisallowConcurrentExecution]
public sealed class SensorHeartbeatJob(NpgsqlDataSource db, IConfiguration configuration, ILogger<SensorHeartbeatJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var timeout = configuration.GetValue("Geo:Sensors:HeartbeatTimeout", TimeSpan.FromMinutes(15));
        var n = await MarkSilentOfflineAsync(db, DateTimeOffset.UtcNow - timeout, cancellationToken);
        if (n > 0) log.LogInformation("{Count} silent sensors marked offline", n);
    }

    /// <summary>The last heartbeat is in sensor_heartbeats (written by every reading); a sensor never heard of there counts
    /// from the heartbeat in its attributes (imported data), else from its creation.</summary>
    public static async Task<int> MarkSilentOfflineAsync(NpgsqlDataSource db, DateTimeOffset silentSince, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE assets a SET status = 'offline'
            WHERE a.kind = 'sensor' AND a.status = 'online'
              AND coalesce((SELECT h.last_seen FROM sensor_heartbeats h WHERE h.asset_id = a.id),
                           (a.attributes->>'last_heartbeat')::timestamptz, a.created_at) < $1
            """);
        cmd.Parameters.AddWithValue(silentSince);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
