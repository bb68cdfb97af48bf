using Geo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Api;

public static class GeoServices
{
    /// <summary>One NpgsqlDataSource (with NetTopologySuite) and a pooled DbContext factory on top of it.
    /// The connection string comes from ConnectionStrings:Geo, else GEO_DB, else the ./geo default.</summary>
    public static IServiceCollection AddGeoData(this IServiceCollection services, IConfiguration configuration)
    {
        var cs = configuration.GetConnectionString("Geo") ?? GeoDb.ConnectionStringFromEnvironment();
        // No Reset On Close: Npgsql would otherwise prepend reset statements (CLOSE ALL, UNLISTEN *, DISCARD ...)
        // to the first command after every pool rent, work as large as a short KNN query itself. Safe here
        // because nothing in Geo leaves session state behind: SET LOCAL only, temp tables ON COMMIT DROP.
        cs = new Npgsql.NpgsqlConnectionStringBuilder(cs) { NoResetOnClose = true }.ConnectionString;
        services.AddSingleton(_ => GeoDb.CreateDataSource(cs));
        services.AddPooledDbContextFactory<GeoDbContext>((sp, o) => GeoDb.Configure(o, sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<GeoDbContext>>().CreateDbContext());
        return services;
    }
}
