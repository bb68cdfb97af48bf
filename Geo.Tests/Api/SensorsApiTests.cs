using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Ingest.Jobs;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

public sealed class SensorsApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static object Batch(long sensor, params (string Id, double Value)[] readings) =>
        new { readings = readings.Select(r => new { reading_id = r.Id, sensor_id = sensor, value = r.Value, measured_at = DateTimeOffset.UtcNow }) };

    [Fact]
    public async Task Readings_are_idempotent_and_a_threshold_crossing_opens_one_deduplicated_alarm_case()
    {
        await GridFixtures.CellAsync(db.DataSource, "SN", 116.60, 39.90, 0.01, "孙网格");
        var sensor = await GridFixtures.AssetAsync(db, "烟感 1", 116.605, 39.905, new SensorAttributes(SensorType.Smoke, AlarmThreshold: 50));
        await using var app = new GeoWebFactory(db.ConnectionString);
        var device = await GridFixtures.ClientAsync(app, db, GeoRoles.Device);

        var first = await device.PostAsJsonAsync("/api/sensors/readings", Batch(sensor, ("r1", 10), ("r2", 80)));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        var incident = Assert.Single(body.GetProperty("incidents").EnumerateArray()).GetInt64();

        // the replayed batch changes nothing
        var replay = await (await device.PostAsJsonAsync("/api/sensors/readings", Batch(sensor, ("r1", 10), ("r2", 80)))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, replay.GetProperty("accepted").GetInt32());
        Assert.Equal(2, replay.GetProperty("duplicates").GetInt32());
        Assert.Empty(replay.GetProperty("incidents").EnumerateArray());

        // a new crossing while the alarm case is open is absorbed by it
        var again = await (await device.PostAsJsonAsync("/api/sensors/readings", Batch(sensor, ("r3", 95)))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, again.GetProperty("accepted").GetInt32());
        Assert.Empty(again.GetProperty("incidents").EnumerateArray());

        Assert.Equal(3, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM sensor_readings WHERE asset_id = $1", sensor));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource,
            "SELECT count(*) FROM incidents WHERE sensor_asset_id = $1 AND alarm_type = 'smoke_threshold' AND assignee = '孙网格' AND category_code = 'sensor_alarm'", sensor));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_events WHERE incident_id = $1 AND actor_role = 'device'", incident));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM assets WHERE id = $1 AND attributes ? 'last_heartbeat'", sensor));

        // unknown sensor: 400 naming the reading, nothing of the batch written
        var bad = await device.PostAsJsonAsync("/api/sensors/readings", new { readings = new object[] {
            new { reading_id = "r4", sensor_id = sensor, value = 1.0 }, new { reading_id = "x", sensor_id = 999999, value = 1.0 } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("readings[1].sensor_id", await bad.Content.ReadAsStringAsync());
        Assert.Equal(3, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM sensor_readings WHERE asset_id = $1", sensor));

        // only devices post readings
        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.PostAsJsonAsync("/api/sensors/readings", Batch(sensor, ("p1", 1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/sensors/readings", Batch(sensor, ("a1", 1)))).StatusCode);
    }

    [Fact]
    public async Task Silent_sensors_go_offline_and_a_reading_brings_them_back()
    {
        var old = DateTimeOffset.UtcNow.AddHours(-2);
        var silent = await GridFixtures.AssetAsync(db, "水表 silent", 116.61, 39.91, new SensorAttributes(SensorType.WaterMeter, LastHeartbeat: old));
        var alive = await GridFixtures.AssetAsync(db, "水表 alive", 116.61, 39.91, new SensorAttributes(SensorType.WaterMeter, LastHeartbeat: DateTimeOffset.UtcNow));
        await SensorHeartbeatJob.MarkSilentOfflineAsync(db.DataSource, DateTimeOffset.UtcNow.AddMinutes(-15));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM assets WHERE id = $1 AND status = 'offline'", silent));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM assets WHERE id = $1 AND status = 'online'", alive));

        await using var app = new GeoWebFactory(db.ConnectionString);
        var device = await GridFixtures.ClientAsync(app, db, GeoRoles.Device);
        Assert.Equal(HttpStatusCode.OK, (await device.PostAsJsonAsync("/api/sensors/readings", Batch(silent, ("hb1", 3.2)))).StatusCode);
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM assets WHERE id = $1 AND status = 'online'", silent));
    }
}
