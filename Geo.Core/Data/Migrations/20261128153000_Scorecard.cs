using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Geo.Core.Data.Migrations
{
    /// <summary>Scorecard tables, accessed with Npgsql (ScorecardStore), so the EF model is untouched.</summary>
    [DbContext(typeof(GeoDbContext))]
    [Migration("20261128153000_Scorecard")]
    public partial class Scorecard : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE scorecard_records (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    indicator_id text NOT NULL CHECK (indicator_id ~ '^[1-5](\.[1-4])(\.[1-5])?$'),
                    region_id bigint NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    passed boolean NOT NULL,
                    value double precision,
                    evidence text NOT NULL CHECK (length(btrim(evidence)) > 0),
                    recorded_on date NOT NULL,
                    recorded_by text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX ix_scorecard_records_lookup ON scorecard_records (indicator_id, region_id, recorded_on DESC);

                CREATE TABLE scorecard_surveys (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    region_id bigint NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    mean_rating double precision NOT NULL CHECK (mean_rating BETWEEN 1 AND 5),
                    respondents integer NOT NULL CHECK (respondents > 0),
                    surveyed_on date NOT NULL,
                    entered_by text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX ix_scorecard_surveys_region ON scorecard_surveys (region_id, surveyed_on DESC);

                CREATE TABLE scorecard_snapshots (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    taken_at timestamptz NOT NULL,
                    region_id bigint NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
                    binding_passed integer NOT NULL,
                    binding_total integer NOT NULL,
                    dimensions jsonb NOT NULL,
                    indicators jsonb NOT NULL
                );
                CREATE INDEX ix_scorecard_snapshots_region ON scorecard_snapshots (region_id, taken_at DESC);
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS scorecard_snapshots, scorecard_surveys, scorecard_records;");
        }
    }
}
