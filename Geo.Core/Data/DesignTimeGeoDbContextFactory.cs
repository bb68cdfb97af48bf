using Microsoft.EntityFrameworkCore.Design;

namespace Geo.Core.Data;

/// <summary>Used only by dotnet-ef (migrations add/script); runtime code uses <see cref="GeoDb"/>.</summary>
public sealed class DesignTimeGeoDbContextFactory : IDesignTimeDbContextFactory<GeoDbContext>
{
    public GeoDbContext CreateDbContext(string[] args) =>
        GeoDb.CreateContext(GeoDb.CreateDataSource(GeoDb.ConnectionStringFromEnvironment()));
}
