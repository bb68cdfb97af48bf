using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only, tables read with raw Npgsql): the live loop at city scale.
/// <list type="bullet">
/// <item><c>change_feed</c>: the outbox the incident and tile triggers now write instead of NOTIFY (<see cref="Sql.ChangeFeedSql"/>).</item>
/// <item><c>sensor_heartbeats</c>: the last time each sensor was heard, one narrow row per sensor, so a reading no longer
/// rewrites the wide, 13-index <c>assets</c> row (and its tile trigger) on every batch; <c>assets.status</c> changes only on
/// offline ↔ online.</item>
/// <item><c>api_key_sensors</c>: which sensors a device key may report for.</item>
/// <item><c>alarm_deliveries</c>: the outbound alarm linkage outbox (smoke and gas alarms to the fire system).</item>
/// <item>a partial GiST index on grid cells, the one level case intake looks up.</item>
/// </list></summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201130000_LiveLoop")]
public sealed class LiveLoop : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql.ChangeFeedSql.Create + """

        CREATE INDEX ix_regions_grid_cell_geom ON regions USING gist (geom) WHERE level = 'grid_cell';

        CREATE TABLE sensor_heartbeats (
            asset_id bigint PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
            last_seen timestamptz NOT NULL) WITH (fillfactor = 70);
        INSERT INTO sensor_heartbeats (asset_id, last_seen)
        SELECT id, (attributes->>'last_heartbeat')::timestamptz FROM assets
        WHERE kind = 'sensor' AND attributes->>'last_heartbeat' IS NOT NULL;

        CREATE TABLE api_key_sensors (
            api_key_id bigint NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
            asset_id bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
            PRIMARY KEY (api_key_id, asset_id));
        CREATE INDEX ix_api_key_sensors_asset ON api_key_sensors (asset_id);

        CREATE TABLE alarm_deliveries (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            incident_id bigint NOT NULL UNIQUE REFERENCES incidents (id) ON DELETE CASCADE,
            idempotency_key text NOT NULL UNIQUE,
            body jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            attempts int NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            delivered_at timestamptz,
            last_error text);
        CREATE INDEX ix_alarm_deliveries_due ON alarm_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        DROP TABLE IF EXISTS alarm_deliveries;
        DROP TABLE IF EXISTS api_key_sensors;
        DROP TABLE IF EXISTS sensor_heartbeats;
        DROP INDEX IF EXISTS ix_regions_grid_cell_geom;
        """ + Sql.ChangeFeedSql.Drop);
}
