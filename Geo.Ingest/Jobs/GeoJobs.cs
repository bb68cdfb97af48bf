using Geo.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Geo.Ingest.Jobs;

/// <summary>Quartz on the PostgreSQL job store, clustered: every app instance runs a scheduler, the
/// QRTZ_ tables (migration QuartzTables) decide which one fires each trigger.</summary>
public static class GeoJobs
{
    public static IHostApplicationBuilder AddGeoJobs(this IHostApplicationBuilder builder)
    {
        var cfg = builder.Configuration;
        // off in tests unless a test asks for it: a scheduler polling each test database is noise
        if (!cfg.GetValue("Geo:Jobs:Enabled", !builder.Environment.IsEnvironment("Testing"))) return builder;
        var cs = cfg.GetConnectionString("Geo") ?? GeoDb.ConnectionStringFromEnvironment();
        var sla = cfg.GetValue("Geo:Jobs:SlaClockInterval", TimeSpan.FromMinutes(1));
        var heartbeat = cfg.GetValue("Geo:Jobs:HeartbeatInterval", TimeSpan.FromMinutes(1));
        var checkin = cfg.GetValue("Geo:Jobs:ClusterCheckinInterval", TimeSpan.FromSeconds(10));

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
            ScorecardSnapshotJob.Register(q);
            LifeCircleJob.Register(q);
        });
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
