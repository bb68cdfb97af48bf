using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Geo.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Grid : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "calendar_days",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    is_working_day = table.Column<bool>(type: "boolean", nullable: false),
                    note = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_calendar_days", x => x.day);
                    table.CheckConstraint("ck_calendar_days_exception", "NOT is_working_day OR extract(isodow FROM day) >= 6");
                });

            migrationBuilder.CreateTable(
                name: "incident_categories",
                columns: table => new
                {
                    code = table.Column<string>(type: "text", nullable: false),
                    name_zh = table.Column<string>(type: "text", nullable: false),
                    name_en = table.Column<string>(type: "text", nullable: false),
                    time_limit_hours = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incident_categories", x => x.code);
                    table.CheckConstraint("ck_incident_categories_code", "code ~ '^[a-z][a-z0-9_]*$'");
                    table.CheckConstraint("ck_incident_categories_limit", "time_limit_hours > 0");
                });

            migrationBuilder.CreateTable(
                name: "sensor_readings",
                columns: table => new
                {
                    asset_id = table.Column<long>(type: "bigint", nullable: false),
                    reading_id = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    measured_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sensor_readings", x => new { x.asset_id, x.reading_id });
                    table.CheckConstraint("ck_sensor_readings_id", "length(reading_id) BETWEEN 1 AND 100");
                    table.ForeignKey(
                        name: "fk_sensor_readings_asset",
                        column: x => x.asset_id,
                        principalTable: "assets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    user_name = table.Column<string>(type: "text", nullable: false),
                    display_name = table.Column<string>(type: "text", nullable: false),
                    role = table.Column<string>(type: "text", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: false),
                    grid_manager_name = table.Column<string>(type: "text", nullable: true),
                    disabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.id);
                    table.CheckConstraint("ck_users_grid_manager", "(role = 'grid_manager') = (grid_manager_name IS NOT NULL)");
                    table.CheckConstraint("ck_users_name", "length(btrim(user_name)) > 0 AND length(btrim(display_name)) > 0");
                    table.CheckConstraint("ck_users_role", "role IN ('resident', 'grid_manager', 'planner', 'admin', 'device') AND role <> 'device'");
                });

            migrationBuilder.CreateTable(
                name: "weather_warnings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    title = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    severity = table.Column<string>(type: "text", nullable: false),
                    area = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,4326)", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_weather_warnings", x => x.id);
                    table.CheckConstraint("ck_weather_warnings_area", "ST_IsValid(area) AND NOT ST_IsEmpty(area)");
                    table.CheckConstraint("ck_weather_warnings_severity", "severity IN ('blue', 'yellow', 'orange', 'red')");
                    table.CheckConstraint("ck_weather_warnings_text", "length(btrim(title)) > 0 AND length(btrim(message)) > 0");
                    table.CheckConstraint("ck_weather_warnings_validity", "valid_until > valid_from");
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    name = table.Column<string>(type: "text", nullable: false),
                    key_hash = table.Column<string>(type: "text", nullable: false),
                    role = table.Column<string>(type: "text", nullable: false),
                    user_id = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_keys", x => x.id);
                    table.CheckConstraint("ck_api_keys_hash", "key_hash ~ '^[0-9a-f]{64}$'");
                    table.CheckConstraint("ck_api_keys_role", "role IN ('resident', 'grid_manager', 'planner', 'admin', 'device')");
                    table.ForeignKey(
                        name: "fk_api_keys_user",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    category_code = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    description = table.Column<string>(type: "text", nullable: false),
                    geom = table.Column<Point>(type: "geometry(Point,4326)", nullable: false),
                    community_id = table.Column<long>(type: "bigint", nullable: true),
                    grid_cell_id = table.Column<long>(type: "bigint", nullable: true),
                    assignee = table.Column<string>(type: "text", nullable: true),
                    source = table.Column<string>(type: "text", nullable: false),
                    reporter_user_id = table.Column<long>(type: "bigint", nullable: true),
                    reporter_contact = table.Column<string>(type: "text", nullable: true),
                    sensor_asset_id = table.Column<long>(type: "bigint", nullable: true),
                    alarm_type = table.Column<string>(type: "text", nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deadline_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    overdue_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    escalated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incidents", x => x.id);
                    table.CheckConstraint("ck_incidents_description", "length(btrim(description)) BETWEEN 1 AND 2000");
                    table.CheckConstraint("ck_incidents_escalated", "escalated_at IS NULL OR overdue_at IS NOT NULL");
                    table.CheckConstraint("ck_incidents_geom_extent", "ST_CoveredBy(geom, ST_MakeEnvelope(116.40, 39.48, 117.06, 40.14, 4326))");
                    table.CheckConstraint("ck_incidents_sensor", "(source = 'sensor') = (sensor_asset_id IS NOT NULL AND alarm_type IS NOT NULL)");
                    table.CheckConstraint("ck_incidents_source", "source IN ('resident', 'staff', 'sensor', 'open311')");
                    table.CheckConstraint("ck_incidents_status", "status IN ('reported', 'registered', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed', 'rejected')");
                    table.ForeignKey(
                        name: "fk_incidents_category",
                        column: x => x.category_code,
                        principalTable: "incident_categories",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_incidents_community",
                        column: x => x.community_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_incidents_grid_cell",
                        column: x => x.grid_cell_id,
                        principalTable: "regions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_incidents_reporter",
                        column: x => x.reporter_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_incidents_sensor",
                        column: x => x.sensor_asset_id,
                        principalTable: "assets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "incident_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    incident_id = table.Column<long>(type: "bigint", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    from_status = table.Column<string>(type: "text", nullable: true),
                    to_status = table.Column<string>(type: "text", nullable: false),
                    actor = table.Column<string>(type: "text", nullable: false),
                    actor_role = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    geom = table.Column<Point>(type: "geometry(Point,4326)", nullable: true),
                    note = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incident_events", x => x.id);
                    table.CheckConstraint("ck_incident_events_actor", "length(btrim(actor)) > 0 AND length(btrim(action)) > 0");
                    table.CheckConstraint("ck_incident_events_status", "to_status IN ('reported', 'registered', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed', 'rejected') AND (from_status IS NULL OR from_status IN ('reported', 'registered', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed', 'rejected'))");
                    table.ForeignKey(
                        name: "fk_incident_events_incident",
                        column: x => x.incident_id,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "incident_photos",
                columns: table => new
                {
                    incident_id = table.Column<long>(type: "bigint", nullable: false),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incident_photos", x => x.incident_id);
                    table.CheckConstraint("ck_incident_photos_size", "octet_length(data) BETWEEN 1 AND 2097152");
                    table.CheckConstraint("ck_incident_photos_type", "content_type IN ('image/jpeg', 'image/png', 'image/webp')");
                    table.ForeignKey(
                        name: "fk_incident_photos_incident",
                        column: x => x.incident_id,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "calendar_days",
                columns: new[] { "day", "is_working_day", "note" },
                values: new object[,]
                {
                    { new DateOnly(2026, 1, 1), false, "元旦" },
                    { new DateOnly(2026, 1, 2), false, "元旦" },
                    { new DateOnly(2026, 1, 3), false, "元旦" },
                    { new DateOnly(2026, 1, 4), true, "元旦调休上班" },
                    { new DateOnly(2026, 2, 14), true, "春节调休上班" },
                    { new DateOnly(2026, 2, 15), false, "春节" },
                    { new DateOnly(2026, 2, 16), false, "春节" },
                    { new DateOnly(2026, 2, 17), false, "春节" },
                    { new DateOnly(2026, 2, 18), false, "春节" },
                    { new DateOnly(2026, 2, 19), false, "春节" },
                    { new DateOnly(2026, 2, 20), false, "春节" },
                    { new DateOnly(2026, 2, 21), false, "春节" },
                    { new DateOnly(2026, 2, 22), false, "春节" },
                    { new DateOnly(2026, 2, 23), false, "春节" },
                    { new DateOnly(2026, 2, 28), true, "春节调休上班" },
                    { new DateOnly(2026, 4, 4), false, "清明节" },
                    { new DateOnly(2026, 4, 5), false, "清明节" },
                    { new DateOnly(2026, 4, 6), false, "清明节" },
                    { new DateOnly(2026, 5, 1), false, "劳动节" },
                    { new DateOnly(2026, 5, 2), false, "劳动节" },
                    { new DateOnly(2026, 5, 3), false, "劳动节" },
                    { new DateOnly(2026, 5, 4), false, "劳动节" },
                    { new DateOnly(2026, 5, 5), false, "劳动节" },
                    { new DateOnly(2026, 5, 9), true, "劳动节调休上班" },
                    { new DateOnly(2026, 6, 19), false, "端午节" },
                    { new DateOnly(2026, 6, 20), false, "端午节" },
                    { new DateOnly(2026, 6, 21), false, "端午节" },
                    { new DateOnly(2026, 9, 20), true, "国庆节调休上班" },
                    { new DateOnly(2026, 9, 25), false, "中秋节" },
                    { new DateOnly(2026, 9, 26), false, "中秋节" },
                    { new DateOnly(2026, 9, 27), false, "中秋节" },
                    { new DateOnly(2026, 10, 1), false, "国庆节" },
                    { new DateOnly(2026, 10, 2), false, "国庆节" },
                    { new DateOnly(2026, 10, 3), false, "国庆节" },
                    { new DateOnly(2026, 10, 4), false, "国庆节" },
                    { new DateOnly(2026, 10, 5), false, "国庆节" },
                    { new DateOnly(2026, 10, 6), false, "国庆节" },
                    { new DateOnly(2026, 10, 7), false, "国庆节" },
                    { new DateOnly(2026, 10, 10), true, "国庆节调休上班" }
                });

            migrationBuilder.InsertData(
                table: "incident_categories",
                columns: new[] { "code", "name_en", "name_zh", "time_limit_hours" },
                values: new object[,]
                {
                    { "fire_hazard", "Fire hazard", "消防隐患", 4 },
                    { "illegal_parking", "Illegal parking", "违章停车", 24 },
                    { "noise", "Noise nuisance", "噪声扰民", 24 },
                    { "other", "Other", "其他", 120 },
                    { "public_facility", "Damaged public facility", "公共设施损坏", 72 },
                    { "road_damage", "Road damage", "道路破损", 72 },
                    { "sanitation", "Sanitation", "环境卫生", 48 },
                    { "sensor_alarm", "Sensor alarm", "传感器告警", 2 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_user_id",
                table: "api_keys",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ux_api_keys_key_hash",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_incident_events_incident_at",
                table: "incident_events",
                columns: new[] { "incident_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_assignee",
                table: "incidents",
                column: "assignee");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_category_code",
                table: "incidents",
                column: "category_code");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_community_id",
                table: "incidents",
                column: "community_id");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_geom",
                table: "incidents",
                column: "geom")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_grid_cell_id",
                table: "incidents",
                column: "grid_cell_id");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_reporter_user_id",
                table: "incidents",
                column: "reporter_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_status_deadline",
                table: "incidents",
                columns: new[] { "status", "deadline_at" });

            migrationBuilder.CreateIndex(
                name: "ux_incidents_open_alarm",
                table: "incidents",
                columns: new[] { "sensor_asset_id", "alarm_type" },
                unique: true,
                filter: "sensor_asset_id IS NOT NULL AND status NOT IN ('closed', 'rejected')");

            migrationBuilder.CreateIndex(
                name: "ix_sensor_readings_asset_measured",
                table: "sensor_readings",
                columns: new[] { "asset_id", "measured_at" });

            migrationBuilder.CreateIndex(
                name: "ux_users_user_name",
                table: "users",
                column: "user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_weather_warnings_area",
                table: "weather_warnings",
                column: "area")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_weather_warnings_valid_until",
                table: "weather_warnings",
                column: "valid_until");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "calendar_days");

            migrationBuilder.DropTable(
                name: "incident_events");

            migrationBuilder.DropTable(
                name: "incident_photos");

            migrationBuilder.DropTable(
                name: "sensor_readings");

            migrationBuilder.DropTable(
                name: "weather_warnings");

            migrationBuilder.DropTable(
                name: "incidents");

            migrationBuilder.DropTable(
                name: "incident_categories");

            migrationBuilder.DropTable(
                name: "users");
        }
    }
}
