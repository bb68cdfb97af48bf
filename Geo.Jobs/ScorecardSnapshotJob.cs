using Geo.Core.Care;
using Geo.Core.Walking;
using Geo.Core.Scorecard;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Geo.Jobs;

/// <summary>Nightly: recomputes the scorecard every reader is served from (<see cref="ScorecardProvider"/>) and
/// stores one snapshot row per region, the source of the trend charts and of the card served after a restart.
/// DisallowConcurrentExecution: a slow run is never overlapped by the next.</summary>
[DisallowConcurrentExecution]
public sealed class ScorecardSnapshotJob(NpgsqlDataSource db, ScorecardProvider cards, WalkingGraphProvider graphs, WalkingOptions walking,
    ILogger<ScorecardSnapshotJob> log) : IJob
{
    public static readonly JobKey Key = new("scorecard-snapshot", "scorecard");

    /// <summary>02:30 Beijing time every day.</summary>
    public const string Cron = "0 30 2 * * ?";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // 2.1.4 reads the registry's stored walking times: bring them up to date with stations moved since
        var households = await CareReach.RefreshAsync(db, await graphs.GetAsync(cancellationToken), walking.Elderly, null, cancellationToken);
        var card = await cards.RefreshAsync(cancellationToken);
        var rows = await ScorecardStore.SaveSnapshotAsync(db, card, cancellationToken);
        log.LogInformation("scorecard snapshot: {Rows} regions in {Ms:F0} ms ({Households} registry households re-timed)", rows, card.ElapsedMs, households);
    }

    public static void Register(IQuartzBuilder q)
    {
        q.AddJob<ScorecardSnapshotJob>(j => j.WithIdentity(Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(Key).WithIdentity("scorecard-nightly", "scorecard")
            .WithCronSchedule(Cron, c => c.InTimeZone(BeijingTime)));
    }

    private static TimeZoneInfo BeijingTime =>
        TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Shanghai", out var tz) ? tz : TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "China Standard Time", "CST");
}
