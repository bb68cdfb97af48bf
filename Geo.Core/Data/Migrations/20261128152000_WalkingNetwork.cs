using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>The walking network: pgRouting-shaped edges plus their vertices. Hand-written SQL only: these
/// tables are read and written with raw Npgsql (binary COPY, pgr_* functions, the in-memory graph), so
/// they are deliberately not part of the EF model and the snapshot stays untouched.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261128152000_WalkingNetwork")]
public sealed class WalkingNetwork : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pgrouting;");
        migrationBuilder.Sql("""
            CREATE TABLE walk_nodes (
                id   bigint PRIMARY KEY,
                geom geometry(Point, 4326) NOT NULL
            );
            CREATE INDEX ix_walk_nodes_geom ON walk_nodes USING gist (geom);

            -- No foreign keys to walk_nodes: the network is replaced wholesale by binary COPY (200k+ rows)
            -- and per-row FK checks would dominate the load; the writers build both tables from one graph.
            -- cost/reverse_cost are effective walking metres (length times a terrain factor, e.g. steps),
            -- the unit pgr_drivingDistance is given; a profile turns minutes into metres by its speed.
            -- cost_s is the same at the reference adult pace (4.5 km/h). reverse_cost < 0 closes a direction.
            CREATE TABLE walk_edges (
                id           bigint PRIMARY KEY,
                source       bigint NOT NULL,
                target       bigint NOT NULL,
                cost         double precision NOT NULL,
                reverse_cost double precision NOT NULL,
                length_m     double precision NOT NULL,
                cost_s       double precision NOT NULL,
                highway      text NOT NULL,
                osm_way_id   bigint,
                synthetic    boolean NOT NULL,
                geom         geometry(LineString, 4326) NOT NULL,
                CONSTRAINT ck_walk_edges_length CHECK (length_m >= 0 AND cost >= 0 AND cost_s >= 0),
                CONSTRAINT ck_walk_edges_geom CHECK (NOT ST_IsEmpty(geom) AND ST_NPoints(geom) >= 2)
            );
            CREATE INDEX ix_walk_edges_geom ON walk_edges USING gist (geom);
            CREATE INDEX ix_walk_edges_source ON walk_edges (source);
            CREATE INDEX ix_walk_edges_target ON walk_edges (target);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE IF EXISTS walk_edges; DROP TABLE IF EXISTS walk_nodes;");
    }
}
