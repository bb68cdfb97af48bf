using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Core.Data;

/// <summary>How every component connects: one NpgsqlDataSource with NetTopologySuite, one options shape.</summary>
public static class GeoDb
{
    /// <summary>Environment variable holding the connection string (set by ./geo).</summary>
    public const string EnvVar = "GEO_DB";

    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Username=postgres;Database=geo";

    public static string ConnectionStringFromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvVar) is { Length: > 0 } cs ? cs : DefaultConnectionString;

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNetTopologySuite();
        return builder.Build();
    }

    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, o =>
        {
            o.UseNetTopologySuite();
            o.MigrationsHistoryTable("__ef_migrations_history");
        });

    public static GeoDbContext CreateContext(NpgsqlDataSource dataSource)
    {
        var b = new DbContextOptionsBuilder<GeoDbContext>();
        Configure(b, dataSource);
        return new GeoDbContext(b.Options);
    }

    /// <summary>A context factory outside a host (the CLI, tests, benchmarks), for the use cases that take one.</summary>
    public static IDbContextFactory<GeoDbContext> CreateContextFactory(NpgsqlDataSource dataSource)
    {
        var b = new DbContextOptionsBuilder<GeoDbContext>();
        Configure(b, dataSource);
        return new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<GeoDbContext>(b.Options);
    }
}
