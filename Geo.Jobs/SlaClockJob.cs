using Geo.Core.Incidents;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Geo.Jobs;

/// <summary>Marks overdue cases and escalates them (督办). Clustered Quartz fires it on one node at a
/// time; SlaClock's conditional UPDATE makes even an overlapping run harmless.</summary>
[DisallowConcurrentExecution]
public sealed class SlaClockJob(NpgsqlDataSource db, ILogger<SlaClockJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var ids = await SlaClock.EscalateOverdueAsync(db, DateTimeOffset.UtcNow, cancellationToken);
        if (ids.Count > 0) log.LogInformation("escalated {Count} overdue cases: {Ids}", ids.Count, string.Join(",", ids.Take(20)));
    }
}
