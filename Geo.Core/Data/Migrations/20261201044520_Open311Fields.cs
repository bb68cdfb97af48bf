using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Geo.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Open311Fields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "address_string",
                table: "incidents",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "media_url",
                table: "incidents",
                type: "text",
                nullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_incidents_address_string",
                table: "incidents",
                sql: "address_string IS NULL OR length(address_string) BETWEEN 1 AND 500");

            migrationBuilder.AddCheckConstraint(
                name: "ck_incidents_media_url",
                table: "incidents",
                sql: "media_url IS NULL OR (length(media_url) <= 2000 AND media_url ~ '^https?://')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_incidents_address_string",
                table: "incidents");

            migrationBuilder.DropCheckConstraint(
                name: "ck_incidents_media_url",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "address_string",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "media_url",
                table: "incidents");
        }
    }
}
