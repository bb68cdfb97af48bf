using Geo.Core.Common;
using Geo.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Geo.Jobs;

/// <summary>Quartz on the PostgreSQL job store, clustered: every app instance runs a scheduler, the
/// QRTZ_ tables (migration QuartzTables) decide which one fires each trigger.</summary>
/// <summary>Bound from <c>Geo:Jobs</c> and checked when the host starts.</summary>
public sealed class JobOptions
{
    public const string Section = "Geo:Jobs";

    /// <summary>Off in the Testing environment unless a test asks for it.</summary>
    public bool? Enabled { get; set; }
    public TimeSpan SlaClockInterval { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How often expired delivery orders are cancelled and late ones escalated (<c>DeliveryClockJob</c>).</summary>
    public TimeSpan DeliveryClockInterval { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in new[] { ("SlaClockInterval", SlaClockInterval), ("HeartbeatInterval", HeartbeatInterval), ("DeliveryClockInterval", DeliveryClockInterval), ("ClusterCheckinInterval", ClusterCheckinInterval) })
            if (value < TimeSpan.FromMilliseconds(100) || value > TimeSpan.FromDays(1)) yield return $"{name} must be between 100 ms and 1 day, got {value}";
    }
}

public static class GeoJobs
{
    public static IHostApplicationBuilder AddGeoJobs(this IHostApplicationBuilder builder)
    {
        var cfg = builder.Configuration;
        // off in tests unless a test asks for it: a scheduler polling each test database is noise
        if (!cfg.GetValue("Geo:Jobs:Enabled", !builder.Environment.IsEnvironment("Testing"))) return builder;
        var cs = cfg.GetConnectionString("Geo") ?? GeoDb.ConnectionStringFromEnvironment();
        var jobs = cfg.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        GeoOptions.ThrowIfInvalid(JobOptions.Section, jobs.Problems());
        var (sla, heartbeat, checkin, deliveries) = (jobs.SlaClockInterval, jobs.HeartbeatInterval, jobs.ClusterCheckinInterval, jobs.DeliveryClockInterval);

        builder.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "geo");
            q.UsePersistentStore(s =>
            {
                s.UsePostgres(cs);
                s.UseClustering(c => c.CheckinInterval = checkin);
            });
            q.ScheduleJob<SlaClockJob>(t => t.WithIdentity("sla-clock").WithSimpleSchedule(sla), j => j.WithIdentity("sla-clock"));
            q.ScheduleJob<SensorHeartbeatJob>(t => t.WithIdentity("sensor-heartbeat").WithSimpleSchedule(heartbeat), j => j.WithIdentity("sensor-heartbeat"));
            q.ScheduleJob<DeliveryClockJob>(t => t.WithIdentity("delivery-clock").WithSimpleSchedule(deliveries), j => j.WithIdentity("delivery-clock"));
            ScorecardSnapshotJob.Register(q);
            LifeCircleJob.Register(q);
            q.AddJobListener<JobMetricsListener>([GroupMatcher<JobKey>.AnyGroup()]);
        });
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
