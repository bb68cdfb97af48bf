using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>The quick-help registry (elderly people living alone, severely disabled residents) and its audit log.
/// Hand-written SQL only: read and written with raw Npgsql (Geo.Core/Care), so the EF model stays untouched.
/// Personal fields exist only as AES-GCM ciphertext (<c>*_enc</c>); the plaintext never reaches the database.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201100000_CareRegistry")]
public sealed class CareRegistry : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE care_registry (
                id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                community_id   bigint NOT NULL REFERENCES regions (id),
                building_id    bigint REFERENCES assets (id) ON DELETE SET NULL,
                -- the household's building (a public asset position), needed for walking times; not personal by itself
                geom           geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
                category       text NOT NULL CHECK (category IN ('elderly_alone', 'severely_disabled')),
                name_enc       bytea NOT NULL,
                contact_enc    bytea NOT NULL,
                address_enc    bytea,
                needs_enc      bytea,
                synthetic      boolean NOT NULL DEFAULT false,
                -- walking to the nearest online service station / one-key kiosk at the elderly pace (NULL: beyond the cutoff)
                station_walk_m double precision CHECK (station_walk_m >= 0),
                station_min    double precision CHECK (station_min >= 0),
                kiosk_walk_m   double precision CHECK (kiosk_walk_m >= 0),
                kiosk_min      double precision CHECK (kiosk_min >= 0),
                reach_at       timestamptz,
                created_at     timestamptz NOT NULL DEFAULT now(),
                updated_at     timestamptz NOT NULL DEFAULT now(),
                created_by     text NOT NULL
            );
            CREATE INDEX ix_care_registry_community ON care_registry (community_id);
            CREATE INDEX ix_care_registry_geom ON care_registry USING gist (geom);

            CREATE TABLE care_registry_audit (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at           timestamptz NOT NULL DEFAULT now(),
                actor        text NOT NULL,
                actor_role   text NOT NULL,
                action       text NOT NULL CHECK (action IN ('list', 'read', 'create', 'update', 'delete', 'export', 'reach', 'unreached')),
                community_id bigint,
                record_ids   bigint[] NOT NULL DEFAULT '{}',
                detail       text
            );
            CREATE INDEX ix_care_registry_audit_at ON care_registry_audit (at DESC);
            CREATE INDEX ix_care_registry_audit_records ON care_registry_audit USING gin (record_ids);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE IF EXISTS care_registry_audit, care_registry;");
    }
}
