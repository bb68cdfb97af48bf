using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Hand-written: a report carries up to three photos. <c>incident_photos</c> keeps one row per photo, keyed by
/// the case and the photo's position (1–3); the existing photos become position 1.</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261207230000_ReportPhotos")]
public sealed class ReportPhotos : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE incident_photos ADD COLUMN position smallint NOT NULL DEFAULT 1;
        ALTER TABLE incident_photos ADD CONSTRAINT ck_incident_photos_position CHECK (position BETWEEN 1 AND 3);
        ALTER TABLE incident_photos DROP CONSTRAINT "PK_incident_photos";
        ALTER TABLE incident_photos ADD CONSTRAINT "PK_incident_photos" PRIMARY KEY (incident_id, position);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        DELETE FROM incident_photos WHERE position > 1;
        ALTER TABLE incident_photos DROP CONSTRAINT "PK_incident_photos";
        ALTER TABLE incident_photos ADD CONSTRAINT "PK_incident_photos" PRIMARY KEY (incident_id);
        ALTER TABLE incident_photos DROP COLUMN position;
        """);
}
