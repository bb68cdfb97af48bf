using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Geo.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:postgis", ",,");

            migrationBuilder.CreateTable(
                name: "regions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    level = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    parent_id = table.Column<long>(type: "bigint", nullable: true),
                    unit_type = table.Column<string>(type: "text", nullable: true),
                    geom = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,4326)", nullable: false),
                    population = table.Column<int>(type: "integer", nullable: false),
                    population_60_plus = table.Column<int>(type: "integer", nullable: false),
                    grid_manager = table.Column<string>(type: "text", nullable: true),
                    grid_manager_phone = table.Column<string>(type: "text", nullable: true),
                    pilot = table.Column<bool>(type: "boolean", nullable: false),
                    synthetic = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_regions", x => x.id);
                    table.CheckConstraint("ck_regions_geom_valid", "ST_IsValid(geom) AND NOT ST_IsEmpty(geom)");
                    table.CheckConstraint("ck_regions_level", "level IN ('district', 'subdistrict', 'community', 'grid_cell')");
                    table.CheckConstraint("ck_regions_name", "length(btrim(name)) > 0 AND length(btrim(code)) > 0");
                    table.CheckConstraint("ck_regions_parent", "(level = 'district') = (parent_id IS NULL)");
                    table.CheckConstraint("ck_regions_population", "population >= 0 AND population_60_plus >= 0 AND population_60_plus <= population");
                    table.ForeignKey(
                        name: "fk_regions_parent",
                        column: x => x.parent_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "assets",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    kind = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    geom = table.Column<Geometry>(type: "geometry(Geometry,4326)", nullable: false),
                    community_id = table.Column<long>(type: "bigint", nullable: true),
                    grid_cell_id = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    synthetic = table.Column<bool>(type: "boolean", nullable: false),
                    attributes = table.Column<string>(type: "jsonb", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assets", x => x.id);
                    table.CheckConstraint("ck_assets_attributes_kind", "attributes->>'kind' = kind");
                    table.CheckConstraint("ck_assets_geom_extent", "ST_CoveredBy(geom, ST_MakeEnvelope(116.40, 39.48, 117.06, 40.14, 4326))");
                    table.CheckConstraint("ck_assets_geom_valid", "ST_IsValid(geom) AND NOT ST_IsEmpty(geom)");
                    table.CheckConstraint("ck_assets_kind", "kind IN ('wifi_hotspot', 'display_screen', 'kiosk', 'payment_terminal', 'camera', 'sensor', 'vehicle_gate', 'service_station', 'vegetable_garden', 'shop', 'shelter', 'civil_defence', 'residential_building')");
                    table.CheckConstraint("ck_assets_name", "length(btrim(name)) > 0");
                    table.CheckConstraint("ck_assets_source", "length(btrim(source)) > 0 AND length(btrim(external_id)) > 0");
                    table.CheckConstraint("ck_assets_status", "status IN ('online', 'offline', 'maintenance', 'planned')");
                    table.ForeignKey(
                        name: "fk_assets_community",
                        column: x => x.community_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_assets_grid_cell",
                        column: x => x.grid_cell_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_assets_community_id",
                table: "assets",
                column: "community_id");

            migrationBuilder.CreateIndex(
                name: "ix_assets_geom",
                table: "assets",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_assets_grid_cell_id",
                table: "assets",
                column: "grid_cell_id");

            migrationBuilder.CreateIndex(
                name: "ix_assets_kind_status",
                table: "assets",
                columns: new[] { "kind", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_assets_updated_at",
                table: "assets",
                column: "updated_at");

            migrationBuilder.CreateIndex(
                name: "ux_assets_source_external_id",
                table: "assets",
                columns: new[] { "source", "external_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_regions_geom",
                table: "regions",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_regions_level_parent",
                table: "regions",
                columns: new[] { "level", "parent_id" });

            migrationBuilder.CreateIndex(
                name: "IX_regions_parent_id",
                table: "regions",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ux_regions_code",
                table: "regions",
                column: "code",
                unique: true);

            // Region assignment lives in the database so every writer (EF, binary COPY, psql) gets it.
            // A writer that already knows the grid cell (the bulk importer, with its own STRtree) passes it
            // and the lookup is skipped; a moved geometry is always re-assigned.
            migrationBuilder.Sql(Geo.Core.Data.Sql.AssetTriggers.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Geo.Core.Data.Sql.AssetTriggers.Drop);
            migrationBuilder.DropTable(
                name: "assets");

            migrationBuilder.DropTable(
                name: "regions");
        }
    }
}
