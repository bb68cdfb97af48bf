using Geo.Core.Common;
using Geo.Core.Incidents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using System.Diagnostics.Metrics;

namespace Geo.Jobs.Live;

/// <summary>Drains the alarm linkage outbox (<see cref="AlarmLinkage"/>) while the app runs; every instance may run
/// one (claims never overlap). Off unless Geo:AlarmLinkage:Url is set.</summary>
public sealed class AlarmLinkageWorker(NpgsqlDataSource ds, IHttpClientFactory http, AlarmLinkageOptions options, ILogger<AlarmLinkageWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(options.Url)) return;
        var client = http.CreateClient(nameof(AlarmLinkageWorker));
        var sampled = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = DateTimeOffset.UtcNow;
                if (now - sampled >= TimeSpan.FromSeconds(15))
                {
                    // the queue length for /metrics, at most every 15 s (a count over the outbox's pending rows)
                    var (pending, oldest) = await AlarmLinkage.BacklogAsync(ds, stoppingToken);
                    AlarmLinkageMetrics.Sample(pending, oldest is { } o ? now - o : TimeSpan.Zero);
                    sampled = now;
                }
                var round = await AlarmLinkage.DeliverDueAsync(ds, client, options, DateTimeOffset.UtcNow, ct: stoppingToken);
                if (round.Failed > 0) log.LogWarning("alarm linkage: {Failed} of {Claimed} deliveries failed; retrying with back-off", round.Failed, round.Claimed);
                if (round.Claimed == 100) continue; // more waiting
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (NpgsqlException ex) { log.LogWarning("alarm linkage: database unavailable ({Message})", ex.Message); }
            try { await Task.Delay(options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}

/// <summary>The linkage outbox as last sampled by the worker, on the background work's meter (<c>Geo.Jobs</c>):
/// <c>geo_alarm_linkage_backlog</c> and <c>geo_alarm_linkage_oldest_age_seconds</c> at <c>/metrics</c>.</summary>
public static class AlarmLinkageMetrics
{
    private static readonly Meter Meter = new(JobMetricsListener.MeterName);
    private static long _backlog;
    private static double _oldestSeconds;

    static AlarmLinkageMetrics()
    {
        Meter.CreateObservableGauge("geo.alarm_linkage.backlog", () => Interlocked.Read(ref _backlog),
            description: "alarm deliveries waiting in the linkage outbox (sampled by the delivery worker)");
        Meter.CreateObservableGauge("geo.alarm_linkage.oldest_age", () => Volatile.Read(ref _oldestSeconds), unit: "s",
            description: "age of the oldest undelivered alarm (0 when none)");
    }

    internal static void Sample(long pending, TimeSpan oldest)
    {
        Interlocked.Exchange(ref _backlog, pending);
        Volatile.Write(ref _oldestSeconds, Math.Max(0, oldest.TotalSeconds));
    }
}

internal static class AlarmLinkageSetup
{
    internal static IServiceCollection AddAlarmLinkage(this IServiceCollection services, IConfiguration configuration)
    {
        var o = configuration.GetSection(AlarmLinkageOptions.Section).Get<AlarmLinkageOptions>() ?? new AlarmLinkageOptions();
        GeoOptions.ThrowIfInvalid(AlarmLinkageOptions.Section, o.Problems());
        services.AddSingleton(o);
        services.AddHttpClient(nameof(AlarmLinkageWorker));
        services.AddHostedService<AlarmLinkageWorker>();
        return services;
    }
}
