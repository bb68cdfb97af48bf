using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Geo.Core.Data.Migrations;

/// <summary>Re-importing an unchanged file without sending it: each row written by a bulk COPY carries
/// <c>import_digest</c>, 16 bytes of SHA-256 over the row exactly as the importer wrote it
/// (<see cref="AssetDigest"/>). A re-import reads the source's digests, compares each parsed row's digest and
/// stages only the rows that differ or are new. Any other change to a row (the API, a job, psql) clears its
/// digest in the same statement (<c>trg_assets_digest_stale</c>), so a stored digest always describes the row as
/// it is, and a row without one goes through the full comparison as before. Adding a nullable column is a
/// catalogue change only (no rewrite).</summary>
[DbContext(typeof(GeoDbContext))]
[Migration("20261201170000_ImportDigest")]
public sealed class ImportDigest : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE assets ADD COLUMN import_digest bytea CHECK (octet_length(import_digest) = 16);
        CREATE FUNCTION geo_assets_digest_stale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.import_digest := NULL;
            RETURN NEW;
        END $$;
        -- an update that does not write a new digest leaves the row unlike the file it came from
        CREATE TRIGGER trg_assets_digest_stale BEFORE UPDATE ON assets FOR EACH ROW
            WHEN (OLD.import_digest IS NOT NULL AND NEW.import_digest IS NOT DISTINCT FROM OLD.import_digest)
            EXECUTE FUNCTION geo_assets_digest_stale();
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        DROP TRIGGER IF EXISTS trg_assets_digest_stale ON assets;
        DROP FUNCTION IF EXISTS geo_assets_digest_stale();
        ALTER TABLE assets DROP COLUMN IF EXISTS import_digest;
        """);
}
