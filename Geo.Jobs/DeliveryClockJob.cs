using Geo.Core.Deliveries;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Geo.Jobs;

/// <summary>Cancels delivery orders nobody accepted in time and escalates those not delivered in time
/// (<see cref="DeliveryClock"/>). Clustered Quartz fires it on one node at a time; the conditional UPDATEs make even an
/// overlapping run harmless.</summary>
[DisallowConcurrentExecution]
public sealed class DeliveryClockJob(NpgsqlDataSource db, ILogger<DeliveryClockJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var run = await DeliveryClock.RunAsync(db, DateTimeOffset.UtcNow, cancellationToken);
        if (run.Expired.Count > 0) log.LogInformation("cancelled {Count} delivery orders not accepted in time: {Ids}", run.Expired.Count, string.Join(",", run.Expired.Take(20)));
        if (run.Escalated.Count > 0) log.LogInformation("escalated {Count} delivery orders not delivered in time: {Ids}", run.Escalated.Count, string.Join(",", run.Escalated.Take(20)));
    }
}
