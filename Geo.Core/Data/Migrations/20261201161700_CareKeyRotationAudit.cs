using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written (SQL only): the registry's audit also records key rotations (<c>./geo care rotate-key</c> reads every
/// record to re-encrypt it, so it is audited like any other read and change).</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201161700_CareKeyRotationAudit")]
public sealed class CareKeyRotationAudit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE care_registry_audit DROP CONSTRAINT care_registry_audit_action_check;
        ALTER TABLE care_registry_audit ADD CONSTRAINT care_registry_audit_action_check
            CHECK (action IN ('list', 'read', 'create', 'update', 'delete', 'export', 'reach', 'unreached', 'rotate-key'));
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        DELETE FROM care_registry_audit WHERE action = 'rotate-key';
        ALTER TABLE care_registry_audit DROP CONSTRAINT care_registry_audit_action_check;
        ALTER TABLE care_registry_audit ADD CONSTRAINT care_registry_audit_action_check
            CHECK (action IN ('list', 'read', 'create', 'update', 'delete', 'export', 'reach', 'unreached'));
        """);
}
