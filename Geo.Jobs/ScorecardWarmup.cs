using Geo.Core.Scorecard;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Geo.Jobs;

/// <summary>Fills the scorecard at start (latest snapshot, else a computation) so no request waits for it. A
/// database without any snapshot gets one from that computation, so every later start is served at once.</summary>
public sealed class ScorecardWarmup(ScorecardProvider cards, ScorecardOptions options, NpgsqlDataSource db, ILogger<ScorecardWarmup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WarmOnStart) return;
        try
        {
            await cards.WarmAsync(stoppingToken);
            if (cards.Source == "computed")
            {
                var rows = await ScorecardStore.SaveSnapshotAsync(db, await cards.GetAsync(stoppingToken), stoppingToken);
                log.LogInformation("scorecard computed at start (no snapshot yet) and stored as the first snapshot ({Rows} regions)", rows);
            }
            log.LogInformation("scorecard ready from {Source}", cards.Source);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            log.LogWarning(ex, "scorecard not warmed at start; the first request computes it");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host stopped first
        }
    }
}
