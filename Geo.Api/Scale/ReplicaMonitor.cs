using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Geo.Api.Scale;

/// <summary>Compares the primary's WAL position with the standby's replay position every
/// <see cref="ReplicaOptions.PollInterval"/>; <see cref="GeoReads"/> routes on the result. A standby that cannot be
/// reached within the poll (or is not a standby) takes every read back to the primary until it answers again.</summary>
public sealed class ReplicaMonitor(GeoReads reads, ILogger<ReplicaMonitor> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (reads.Standby is not { } standby) return;
        var samples = new Queue<(DateTimeOffset, ulong)>();
        var wasAvailable = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                poll.CancelAfter(TimeSpan.FromSeconds(2));
                var at = DateTimeOffset.UtcNow;
                var primary = await reads.PrimaryLsnAsync(poll.Token);
                await using var cmd = standby.CreateCommand("SELECT pg_last_wal_replay_lsn()::text");
                var replay = await cmd.ExecuteScalarAsync(poll.Token) as string
                    ?? throw new InvalidOperationException("the standby reports no replay position");
                reads.Observe(at, primary, Lsn.Parse(replay), samples);
                if (!wasAvailable) log.LogInformation("standby available again: lag-tolerant reads go to it");
                wasAvailable = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or OperationCanceledException or TimeoutException or IOException)
            {
                reads.Unavailable(ex.Message);
                samples.Clear();
                if (wasAvailable) log.LogWarning("standby unavailable ({Message}): every read goes to the primary", ex.Message);
                wasAvailable = false;
            }
            try { await Task.Delay(reads.Options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}
