using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written: the supervisor role (监督员), who verifies the work grid managers did. Users and API keys
/// may carry it; the CHECK constraints list the roles, so both are rebuilt from <c>GeoRoles.SqlList</c>'s new value.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261208010500_SupervisorRole")]
public sealed class SupervisorRole : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE users DROP CONSTRAINT ck_users_role;
        ALTER TABLE users ADD CONSTRAINT ck_users_role
            CHECK (role IN ('resident', 'grid_manager', 'planner', 'admin', 'supervisor', 'device') AND role <> 'device');
        ALTER TABLE api_keys DROP CONSTRAINT ck_api_keys_role;
        ALTER TABLE api_keys ADD CONSTRAINT ck_api_keys_role
            CHECK (role IN ('resident', 'grid_manager', 'planner', 'admin', 'supervisor', 'device'));
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        UPDATE users SET disabled = true, role = 'resident' WHERE role = 'supervisor';
        DELETE FROM api_keys WHERE role = 'supervisor';
        ALTER TABLE users DROP CONSTRAINT ck_users_role;
        ALTER TABLE users ADD CONSTRAINT ck_users_role
            CHECK (role IN ('resident', 'grid_manager', 'planner', 'admin', 'device') AND role <> 'device');
        ALTER TABLE api_keys DROP CONSTRAINT ck_api_keys_role;
        ALTER TABLE api_keys ADD CONSTRAINT ck_api_keys_role
            CHECK (role IN ('resident', 'grid_manager', 'planner', 'admin', 'device'));
        """);
}
