using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Jobs;
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
        var device = await GridFixtures.ClientAsync(app, db, GeoRoles.Device, null, sensor);

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
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM sensor_heartbeats WHERE asset_id = $1 AND last_seen > now() - interval '1 minute'", sensor));

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
        var device = await GridFixtures.ClientAsync(app, db, GeoRoles.Device, null, silent);
        Assert.Equal(HttpStatusCode.OK, (await device.PostAsJsonAsync("/api/sensors/readings", Batch(silent, ("hb1", 3.2)))).StatusCode);
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM assets WHERE id = $1 AND status = 'online'", silent));
    }

    [Fact]
    public async Task A_device_key_reports_only_for_its_own_sensors_and_bad_batches_are_refused_whole()
    {
        var mine = await GridFixtures.AssetAsync(db, "燃气 mine", 116.62, 39.92, new SensorAttributes(SensorType.Gas, AlarmThreshold: 25));
        var theirs = await GridFixtures.AssetAsync(db, "燃气 theirs", 116.62, 39.92, new SensorAttributes(SensorType.Gas, AlarmThreshold: 25));
        await using var app = new GeoWebFactory(db.ConnectionString);
        var device = await GridFixtures.ClientAsync(app, db, GeoRoles.Device, null, mine);
        await GridFixtures.ClientAsync(app, db, GeoRoles.Device, null, theirs);

        // another key's sensor: 403 naming the reading; the whole batch is refused
        var res = await device.PostAsJsonAsync("/api/sensors/readings", new { readings = new object[] {
            new { reading_id = "k1", sensor_id = mine, value = 1.0 }, new { reading_id = "k2", sensor_id = theirs, value = 1.0 } } });
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        Assert.Contains("readings[1].sensor_id", await res.Content.ReadAsStringAsync());
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM sensor_readings WHERE asset_id = ANY($1)", new[] { mine, theirs }));

        // the same reading id twice in one batch, and a clock far in the future: 400 naming the reading
        var twice = await device.PostAsJsonAsync("/api/sensors/readings", Batch(mine, ("d1", 1), ("d1", 2)));
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("readings[1].reading_id", await twice.Content.ReadAsStringAsync());
        var future = await device.PostAsJsonAsync("/api/sensors/readings", new { readings = new[] {
            new { reading_id = "f1", sensor_id = mine, value = 1.0, measured_at = DateTimeOffset.UtcNow.AddHours(2) } } });
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Contains("readings[0].measured_at", await future.Content.ReadAsStringAsync());

        // an out-of-order batch (older reading after a newer one) is accepted by id; a replay is not applied twice
        var late = new { readings = new[] {
            new { reading_id = "o2", sensor_id = mine, value = 30.0, measured_at = DateTimeOffset.UtcNow },
            new { reading_id = "o1", sensor_id = mine, value = 2.0, measured_at = DateTimeOffset.UtcNow.AddMinutes(-5) } } };
        var first = await (await device.PostAsJsonAsync("/api/sensors/readings", late)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, first.GetProperty("accepted").GetInt32());
        var alarm = Assert.Single(first.GetProperty("incidents").EnumerateArray()).GetInt64();
        var again = await (await device.PostAsJsonAsync("/api/sensors/readings", late)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, again.GetProperty("duplicates").GetInt32());
        Assert.Equal(2, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM sensor_readings WHERE asset_id = $1", mine));
        // a gas alarm enters the linkage outbox once, with its idempotency key
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM alarm_deliveries WHERE incident_id = $1 AND idempotency_key = 'geo-alarm-' || $1", alarm));
    }
}
