using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Life-circle runs and their per-region results. Hand-written SQL only: written and read with raw
/// Npgsql (LifeCircleRunner, LifeCircleApi), so the EF model and its snapshot stay untouched.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261128160000_LifeCircle")]
public sealed class LifeCircle : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE life_circle_runs (
                id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                started_at          timestamptz NOT NULL,
                finished_at         timestamptz NOT NULL,
                trigger             text NOT NULL,
                -- what the inputs looked like: the job recomputes only when these change
                assets_fingerprint  text NOT NULL,
                network_fingerprint text NOT NULL,
                buildings           integer NOT NULL CHECK (buildings >= 0),
                residents           bigint NOT NULL CHECK (residents >= 0),
                services            integer NOT NULL CHECK (services >= 0),
                elapsed_ms          double precision NOT NULL,
                CONSTRAINT ck_life_circle_runs_times CHECK (finished_at >= started_at)
            );

            CREATE TABLE life_circle_results (
                run_id        bigint NOT NULL REFERENCES life_circle_runs (id) ON DELETE CASCADE,
                region_id     bigint NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                level         text NOT NULL CHECK (level IN ('community', 'subdistrict', 'district')),
                residents     double precision NOT NULL CHECK (residents >= 0),
                residents_60  double precision NOT NULL CHECK (residents_60 >= 0),
                share_all7    double precision NOT NULL CHECK (share_all7 BETWEEN 0 AND 1),
                share_all7_60 double precision NOT NULL CHECK (share_all7_60 BETWEEN 0 AND 1),
                per_element   jsonb NOT NULL,
                gaps          jsonb NOT NULL CHECK (jsonb_typeof(gaps) = 'array'),
                PRIMARY KEY (run_id, region_id)
            );
            CREATE INDEX ix_life_circle_results_level ON life_circle_results (run_id, level);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE IF EXISTS life_circle_results, life_circle_runs;");
    }
}
