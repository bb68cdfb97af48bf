using System.Net;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Hardening;

/// <summary>Issue 12 "Also": Quartz jobs and the alarm linkage queue are visible at /metrics (Prometheus text, staff
/// only), on a database of their own (the scheduler joins the 'geo' cluster there).</summary>
public sealed class JobMetricsTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Job_runs_durations_and_the_alarm_backlog_are_scraped_from_metrics()
    {
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?>
        {
            ["Geo:Jobs:Enabled"] = "true",
            ["Geo:Jobs:SlaClockInterval"] = "00:00:00.3",
            ["Geo:Jobs:HeartbeatInterval"] = "01:00:00",
            ["Geo:Jobs:DeliveryClockInterval"] = "01:00:00",
            ["Geo:Jobs:ClusterCheckinInterval"] = "00:00:01",
            // a receiver that is not there: the worker runs, samples its outbox and retries with back-off
            ["Geo:AlarmLinkage:Url"] = "http://127.0.0.1:9/alarms",
        });
        var anon = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/metrics")).StatusCode);
        var staff = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var text = "";
        var until = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < until)
        {
            text = await staff.GetStringAsync("/metrics");
            if (text.Contains("geo_jobs_runs_total{", StringComparison.Ordinal) && text.Contains("geo_alarm_linkage_backlog", StringComparison.Ordinal)) break;
            await Task.Delay(500);
        }
        var runs = text.Split('\n').Where(l => l.StartsWith("geo_jobs_runs_total{", StringComparison.Ordinal)).ToList();
        Assert.Contains(runs, l => l.Contains("job=\"sla-clock\"", StringComparison.Ordinal) && l.Contains("outcome=\"ok\"", StringComparison.Ordinal));
        var count = runs.Where(l => l.Contains("job=\"sla-clock\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(count >= 1, string.Join('\n', runs));
        Assert.Contains("geo_jobs_duration_seconds_bucket{", text);
        Assert.Matches(@"(?m)^geo_alarm_linkage_backlog(\{[^}]*\})? 0(\.0+)?( |$)", text);
    }
}
