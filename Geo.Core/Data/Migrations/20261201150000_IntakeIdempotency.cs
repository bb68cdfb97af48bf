using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only, read with raw Npgsql): a client's <c>Idempotency-Key</c> on a case report, so a
/// report retried after a lost answer (a crash, a timeout) is written once. The key is stored as SHA-256 of the
/// reporter and the key (one reporter cannot collide with or probe another's keys), with a hash of the report so a
/// key reused for a different report is refused; it lives as long as its case.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201150000_IntakeIdempotency")]
public sealed class IntakeIdempotency : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        CREATE TABLE incident_idempotency (
            key bytea PRIMARY KEY,
            request_hash bytea NOT NULL,
            incident_id bigint NOT NULL UNIQUE REFERENCES incidents (id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL DEFAULT now());
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP TABLE IF EXISTS incident_idempotency;");
}
