using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written: case search (IncidentBoard's <c>q</c>). Trigram GIN indexes let <c>ILIKE '%text%'</c> on the
/// description and the address use an index for texts of three characters or more (pg_trgm, PostgreSQL's contrib;
/// the cluster's C.UTF-8 ctype counts Chinese characters as letters, so Chinese text is indexed too). The board's
/// urgency order (overdue first, then deadline, then id) gets a matching index for its keyset pages.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261208011000_CaseSearch")]
public sealed class CaseSearch : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX IF NOT EXISTS ix_incidents_description_trgm ON incidents USING gin (description gin_trgm_ops);
        CREATE INDEX IF NOT EXISTS ix_incidents_address_trgm ON incidents USING gin (address_string gin_trgm_ops) WHERE address_string IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_incidents_urgency ON incidents ((overdue_at IS NOT NULL) DESC, deadline_at, id);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        DROP INDEX IF EXISTS ix_incidents_urgency;
        DROP INDEX IF EXISTS ix_incidents_address_trgm;
        DROP INDEX IF EXISTS ix_incidents_description_trgm;
        """);
}
