using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written: the admin console's audit trail of accounts and API keys (who, when, what, on whom). Written
/// by AccountDirectory in the transaction of the change it records; append-only (no UPDATE or DELETE from the app).</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261208012000_AccountAudit")]
public sealed class AccountAudit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        CREATE TABLE account_audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            actor text NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            detail text,
            CONSTRAINT ck_account_audit_action CHECK (action ~ '^[a-z_]+\.[a-z_]+$')
        );
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP TABLE account_audit;");
}
