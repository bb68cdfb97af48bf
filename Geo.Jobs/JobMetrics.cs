using System.Diagnostics.Metrics;
using Quartz;

namespace Geo.Jobs;

/// <summary>Every Quartz job's runs and durations on the meter <c>Geo.Jobs</c> (exported at <c>/metrics</c> with the
/// app's other instruments): <c>geo_jobs_runs_total{job,outcome}</c>, <c>geo_jobs_duration_seconds{job}</c>, and
/// <c>geo_jobs_vetoed_total{job}</c>. In a cluster each instance counts the runs it executed.</summary>
public sealed class JobMetricsListener : IJobListener
{
    public const string MeterName = "Geo.Jobs";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Runs = Meter.CreateCounter<long>("geo.jobs.runs", description: "job executions by job and outcome (ok, failed)");
    private static readonly Counter<long> Vetoed = Meter.CreateCounter<long>("geo.jobs.vetoed", description: "job executions vetoed by a trigger listener");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("geo.jobs.duration", unit: "s", description: "job run time");

    public string Name => "geo-job-metrics";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        Vetoed.Add(1, new KeyValuePair<string, object?>("job", context.JobDetail.Key.Name));
        return ValueTask.CompletedTask;
    }

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        var job = new KeyValuePair<string, object?>("job", context.JobDetail.Key.Name);
        Runs.Add(1, job, new KeyValuePair<string, object?>("outcome", jobException is null ? "ok" : "failed"));
        Duration.Record(context.JobRunTime.TotalSeconds, job);
        return ValueTask.CompletedTask;
    }
}
