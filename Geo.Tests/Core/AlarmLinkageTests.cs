using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Core;

/// <summary>Smoke and gas alarms reach a local receiver that fails, times out, goes down and comes back: every alarm
/// arrives, none twice once the receiver collapses duplicates by the Idempotency-Key.</summary>
public sealed class AlarmLinkageTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Every_alarm_arrives_through_failures_timeouts_a_restart_and_a_crash_mid_delivery_and_none_twice_after_dedupe()
    {
        await GridFixtures.CellAsync(db.DataSource, "AL", 116.70, 39.80, 0.01, "赵网格");
        var smoke = new List<long>();
        for (var i = 0; i < 6; i++)
            smoke.Add(await GridFixtures.AssetAsync(db, $"烟感 {i}", 116.701 + i * 0.001, 39.801, new SensorAttributes(i % 2 == 0 ? SensorType.Smoke : SensorType.Gas, AlarmThreshold: 10)));
        var meter = await GridFixtures.AssetAsync(db, "水表", 116.709, 39.809, new SensorAttributes(SensorType.WaterMeter, AlarmThreshold: 10));
        var now = DateTimeOffset.UtcNow;
        await new SensorIntake(GeoDb.CreateContextFactory(db.DataSource)).RecordAsync(smoke.Concat([meter]).Select(s => new ReadingIn("alarm-1", s, 99, now)).ToList(), now);
        // the water meter's alarm is a case, but not the fire system's business
        Assert.Equal(7, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE source = 'sensor'"));
        Assert.Equal(6, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries"));

        await using var receiver = new AlarmReceiver();
        var o = new AlarmLinkageOptions { Url = $"http://127.0.0.1:{receiver.Port}/alarms", Timeout = TimeSpan.FromMilliseconds(300), Lease = TimeSpan.FromSeconds(30) };
        using var http = new HttpClient();
        var clock = now;
        async Task<DeliveryRound> Round(int limit = 100)
        {
            clock += TimeSpan.FromMinutes(10); // past any back-off or lease
            return await AlarmLinkage.DeliverDueAsync(db.DataSource, http, o, clock, limit);
        }

        // the receiver is down: connection refused, nothing marked delivered, every row backs off
        var down = await Round();
        Assert.Equal((6, 0, 6), (down.Claimed, down.Delivered, down.Failed));

        await receiver.StartAsync();
        receiver.Mode = "fail";
        Assert.Equal(6, (await Round()).Failed);
        receiver.Mode = "slow"; // it processes the alarm but answers too late: we must retry, it will see the key twice
        Assert.Equal(2, (await Round(limit: 2)).Failed);
        await Task.Delay(2500); // the slow handlers finish and record their keys
        receiver.Mode = "ok";

        // an instance claims two rows and dies before sending (its lease is its only trace)
        var orphaned = await AlarmLinkage.ClaimAsync(db.DataSource, clock, o.Lease, 2);
        Assert.Equal(2, orphaned.Count);

        // the receiver restarts in the middle
        await receiver.StopAsync();
        await Round();
        await receiver.StartAsync();
        for (var i = 0; i < 5 && await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries WHERE delivered_at IS NULL") > 0; i++)
            await Round();

        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries WHERE delivered_at IS NULL"));
        var expected = (await IdsAsync()).Select(id => $"geo-alarm-{id}").Order().ToList();
        Assert.Equal(expected, receiver.Keys.Keys.Order().ToList()); // every alarm, exactly once after dedupe by key
        Assert.Contains(receiver.Keys, k => k.Value > 1);           // at-least-once really did send some twice
        Assert.True(receiver.Requests > receiver.Keys.Count);

        // a delivered alarm is never sent again
        var before = receiver.Requests;
        Assert.Equal(0, (await Round()).Claimed);
        Assert.Equal(before, receiver.Requests);
    }

    private async Task<List<long>> IdsAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("SELECT incident_id FROM alarm_deliveries");
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetInt64(0));
        return ids;
    }

    [Fact]
    public void Back_off_doubles_and_is_capped()
    {
        var max = TimeSpan.FromMinutes(5);
        Assert.Equal(TimeSpan.FromSeconds(1), AlarmLinkage.Backoff(1, max));
        Assert.Equal(TimeSpan.FromSeconds(8), AlarmLinkage.Backoff(4, max));
        Assert.Equal(max, AlarmLinkage.Backoff(30, max));
        Assert.Contains(new AlarmLinkageOptions { Url = "ftp://x" }.Problems(), p => p.Contains("Url"));
    }
}
