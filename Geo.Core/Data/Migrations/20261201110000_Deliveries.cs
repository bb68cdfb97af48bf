using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Deliveries for elderly and disabled residents (2.1.3): providers (a garden, shop or service station and the
/// account that works its orders), orders with their workflow and deadlines, and every step. Hand-written SQL only
/// (raw Npgsql in Geo.Core/Deliveries). The contact and address of an order are AES-GCM ciphertext like the registry's.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201110000_Deliveries")]
public sealed class Deliveries : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE delivery_providers (
                asset_id   bigint PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
                user_id    bigint NOT NULL REFERENCES users (id),
                active     boolean NOT NULL DEFAULT true,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX ix_delivery_providers_user ON delivery_providers (user_id);

            CREATE TABLE deliveries (
                id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                provider_id      bigint NOT NULL REFERENCES delivery_providers (asset_id),
                community_id     bigint REFERENCES regions (id),
                care_registry_id bigint REFERENCES care_registry (id) ON DELETE SET NULL,
                geom             geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
                items            text NOT NULL CHECK (length(items) BETWEEN 1 AND 500),
                contact_enc      bytea NOT NULL,
                address_enc      bytea,
                status           text NOT NULL CHECK (status IN ('ordered', 'accepted', 'out', 'delivered', 'cancelled')),
                walk_m           double precision NOT NULL CHECK (walk_m >= 0),
                walk_min         double precision NOT NULL CHECK (walk_min >= 0),
                orderer          text NOT NULL,
                orderer_user_id  bigint,
                orderer_role     text NOT NULL,
                synthetic        boolean NOT NULL DEFAULT false,
                ordered_at       timestamptz NOT NULL,
                accept_by        timestamptz NOT NULL,
                deliver_by       timestamptz NOT NULL,
                updated_at       timestamptz NOT NULL,
                closed_at        timestamptz,
                CONSTRAINT ck_deliveries_deadlines CHECK (accept_by >= ordered_at AND deliver_by >= accept_by)
            );
            CREATE INDEX ix_deliveries_provider ON deliveries (provider_id, status);
            CREATE INDEX ix_deliveries_orderer ON deliveries (orderer_user_id);
            CREATE INDEX ix_deliveries_community ON deliveries (community_id);

            CREATE TABLE delivery_events (
                id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
                action      text NOT NULL,
                from_status text,
                to_status   text NOT NULL,
                actor       text NOT NULL,
                actor_role  text NOT NULL,
                at          timestamptz NOT NULL DEFAULT now(),
                note        text CHECK (length(note) <= 1000)
            );
            CREATE INDEX ix_delivery_events_delivery ON delivery_events (delivery_id, id);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE IF EXISTS delivery_events, deliveries, delivery_providers;");
    }
}
