using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Geo.Api.Hardening;

/// <summary>Whether the database answers, known without asking it in a request: a background probe
/// (<c>SELECT 1</c> with a short timeout, every <see cref="HardeningOptions.ProbeIntervalSeconds"/>). While it is
/// down, requests that need the database get a 503 at once instead of waiting on a stopped or frozen server,
/// and the requests already waiting are cancelled (<see cref="DownToken"/>), which also cancels their statements.
/// As the <c>ready</c> health check it answers from the last probe, never waiting on the database.</summary>
public sealed class DatabaseProbe(NpgsqlDataSource db, HardeningOptions options, ILogger<DatabaseProbe> log) : BackgroundService, IHealthCheck
{
    private volatile bool _down;
    private CancellationTokenSource _downCts = new();

    public bool IsDown => _down;

    /// <summary>Cancelled when the database is found down; a new token after it comes back.</summary>
    public CancellationToken DownToken => Volatile.Read(ref _downCts).Token;

    public DateTimeOffset? LastChecked { get; private set; }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_down ? HealthCheckResult.Unhealthy("the database is not answering (last background probe failed)") : HealthCheckResult.Healthy("up"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.ProbeIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var ok = await ProbeAsync(stoppingToken);
            if (stoppingToken.IsCancellationRequested) break;
            Set(ok);
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One check, bounded by the probe timeout whatever state the server is in.</summary>
    public async Task<bool> ProbeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.ProbeTimeoutSeconds));
        try
        {
            // a new physical connection each time would also catch a server that accepts no new ones, but costs a
            // backend start per second per instance; a pooled one is cancelled and broken when the server is frozen
            var probe = Task.Run(async () =>
            {
                await using var cmd = db.CreateCommand("SELECT 1");
                cmd.CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.ProbeTimeoutSeconds));
                await cmd.ExecuteScalarAsync(timeout.Token);
            }, CancellationToken.None);
            // the verdict does not wait for Npgsql to give up on a frozen server (its cancellation has its own waits)
            var done = await Task.WhenAny(probe, Task.Delay(TimeSpan.FromSeconds(options.ProbeTimeoutSeconds), ct));
            if (done != probe)
            {
                _ = probe.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                throw new TimeoutException($"no answer within {options.ProbeTimeoutSeconds} s");
            }
            await probe;
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            if (!ct.IsCancellationRequested && !_down) log.LogWarning("database probe failed: {Reason}", ex.GetType().Name + ": " + ex.Message);
            return false;
        }
    }

    private void Set(bool ok)
    {
        if (ok == !_down) return;
        _down = !ok;
        if (_down)
        {
            log.LogError("database unavailable: answering 503 until it is back");
            // the callbacks (Npgsql's cancel requests of every waiting request) run on another thread, not the probe's
            var cts = Volatile.Read(ref _downCts);
            _ = Task.Run(cts.Cancel);
        }
        else
        {
            Interlocked.Exchange(ref _downCts, new CancellationTokenSource()).Dispose();
            log.LogInformation("database available again");
        }
        GeoMetrics.DatabaseUp = ok;
    }
}
