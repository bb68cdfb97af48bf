using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only): when the delivery clock escalated an order past its delivery deadline, and a partial
/// index for the clock's two scans (open orders by deadline).</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201161600_DeliveryClock")]
public sealed class DeliveryClock : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE deliveries ADD COLUMN escalated_at timestamptz;
        CREATE INDEX ix_deliveries_open_deadlines ON deliveries (status, accept_by, deliver_by) WHERE status IN ('ordered', 'accepted', 'out');
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        DROP INDEX IF EXISTS ix_deliveries_open_deadlines;
        ALTER TABLE deliveries DROP COLUMN IF EXISTS escalated_at;
        """);
}
