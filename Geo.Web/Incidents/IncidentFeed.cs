using Geo.Core.Data.Sql;
using Npgsql;

namespace Geo.Web.Incidents;

/// <summary>Pushes incident changes to open dispatch boards: LISTENs on the channel the incident triggers
/// NOTIFY (see <see cref="IncidentTriggers"/>) and raises <see cref="Changed"/>; each board re-queries.
/// Mirrors the tile invalidation listener: one connection, reconnect on loss.</summary>
public sealed class IncidentFeed(NpgsqlDataSource dataSource, ILogger<IncidentFeed> log) : BackgroundService
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised on a notification thread with the changed ids ("*" for many); handlers must be quick.</summary>
    public event Action<string>? Changed;

    /// <summary>Completes once LISTEN is in place (tests wait for it before changing data).</summary>
    public Task Listening => _listening.Task;

    /// <summary>Raises <see cref="Changed"/> (the listener's path; also for tests without a database listener).</summary>
    public void Publish(string ids)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try { ((Action<string>)handler)(ids); }
            catch (Exception ex) { log.LogWarning(ex, "an incident feed subscriber failed"); }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) => Publish(e.Payload);
                await using (var cmd = new NpgsqlCommand($"LISTEN {IncidentTriggers.Channel}", conn))
                {
                    await cmd.ExecuteNonQueryAsync(stoppingToken);
                }
                _listening.TrySetResult();
                while (true) await conn.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                log.LogWarning("incident feed lost its connection ({Message}); retrying", ex.Message);
                // whatever changed meanwhile was not heard: tell boards to re-query once reconnected
                Publish("*");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }
}
