using Geo.Api;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Geo.Jobs;
using Geo.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Geo.Tests.Jobs;

public sealed class SlaClockJobTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    /// <summary>Cases reported 30 days ago: far past any category's limit.</summary>
    private async Task<List<long>> OverdueCasesAsync(string tag, double lon, int n)
    {
        await GridFixtures.CellAsync(db.DataSource, tag, lon, 39.70, 0.01, "周网格");
        var ids = new List<long>();
        var intake = new IncidentIntake(GeoDb.CreateContextFactory(db.DataSource));
        for (var i = 0; i < n; i++)
        {
            var incident = await intake.ReportAsync(new IncidentReport("noise", lon + 0.005, 39.705, $"case {i}",
                IncidentSource.Staff, "test", GeoRoles.Planner), DateTimeOffset.UtcNow.AddDays(-30));
            ids.Add(incident.Id);
        }
        return ids;
    }

    private Task<long> EscalationsAsync(IEnumerable<long> ids) => GridFixtures.CountAsync(db.DataSource,
        "SELECT count(*) FROM incident_events WHERE action = 'escalate' AND incident_id = ANY($1)", ids.ToArray());

    [Fact]
    public async Task Concurrent_runs_escalate_each_overdue_case_exactly_once()
    {
        var ids = await OverdueCasesAsync("SA", 116.80, 25);
        var now = DateTimeOffset.UtcNow;
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SlaClock.EscalateOverdueAsync(db.DataSource, now)));
        Assert.Equal(ids.Order(), runs.SelectMany(r => r).Where(ids.Contains).Order());
        Assert.Equal(ids.Count, await EscalationsAsync(ids));
        Assert.DoesNotContain(await SlaClock.EscalateOverdueAsync(db.DataSource, now.AddMinutes(5)), ids.Contains);
        Assert.Equal(ids.Count, await GridFixtures.CountAsync(db.DataSource,
            "SELECT count(*) FROM incidents WHERE id = ANY($1) AND overdue_at IS NOT NULL AND escalated_at IS NOT NULL", ids.ToArray()));
    }

    [Fact]
    public async Task Two_clustered_app_instances_escalate_once_and_share_the_quartz_tables()
    {
        var ids = await OverdueCasesAsync("SB", 116.82, 10);
        IHost Instance() => ClusteredJobHost.Build(db.ConnectionString, new Dictionary<string, string> { ["SlaClockInterval"] = "00:00:00.2" });
        using var one = Instance();
        using var two = Instance();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await Task.WhenAll(one.StartAsync(timeout.Token), two.StartAsync(timeout.Token));
        try
        {
            while (await EscalationsAsync(ids) < ids.Count) await Task.Delay(200, timeout.Token);
            // let both schedulers fire the trigger several more times
            await Task.Delay(1500, timeout.Token);
            Assert.Equal(2, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = 'geo'"));
            Assert.True(await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM qrtz_triggers WHERE trigger_name = 'sla-clock'") == 1);
        }
        finally
        {
            await Task.WhenAll(one.StopAsync(CancellationToken.None), two.StopAsync(CancellationToken.None));
        }
        Assert.Equal(ids.Count, await EscalationsAsync(ids));
    }
}
