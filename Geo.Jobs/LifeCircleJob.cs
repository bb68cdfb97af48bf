using Geo.Core.Walking;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Geo.Jobs;

/// <summary>Keeps the life-circle results current: every few minutes it fingerprints the buildings, services,
/// regions and walking network (two aggregate queries) and recomputes only when something changed.
/// DisallowConcurrentExecution: a slow run is never overlapped by the next.</summary>
[DisallowConcurrentExecution]
public sealed class LifeCircleJob(NpgsqlDataSource db, WalkingGraphProvider graphs, WalkingOptions walking, ILogger<LifeCircleJob> log) : IJob
{
    public static readonly JobKey Key = new("life-circle", "walking");

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var run = await LifeCircleRunner.RunIfChangedAsync(db, graphs, walking.Adult, walking.Elderly, "schedule", ct: cancellationToken);
        if (run is null) log.LogDebug("life circle: inputs unchanged (or no walking network), nothing to do");
        else log.LogInformation("life circle run {Id}: {Buildings} buildings, {Residents} residents, {Services} services in {Ms:F0} ms",
            run.Id, run.Buildings, run.Residents, run.Services, run.ElapsedMs);
    }

    public static void Register(IQuartzBuilder q)
    {
        q.AddJob<LifeCircleJob>(j => j.WithIdentity(Key).StoreDurably());
        // the first check a minute after start-up leaves the host time to load the graph for requests
        q.AddTrigger(t => t.ForJob(Key).WithIdentity("life-circle-poll", "walking")
            .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
            .WithSimpleSchedule(s => s.WithInterval(Interval).RepeatForever()));
    }
}
