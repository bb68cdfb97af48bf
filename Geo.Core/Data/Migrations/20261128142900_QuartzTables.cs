using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Geo.Core.Data.Migrations
{
    /// <summary>Hand-written, SQL only (no model change, so no snapshot change): the Quartz.NET
    /// clustered job store tables.</summary>
    [DbContext(typeof(GeoDbContext))]
    [Migration("20261128142900_QuartzTables")]
    public partial class QuartzTables : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql.QuartzTables.Create);

        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql.QuartzTables.Drop);
    }
}
