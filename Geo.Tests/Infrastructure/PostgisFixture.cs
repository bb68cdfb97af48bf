using Geo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Tests.Infrastructure;

/// <summary>A fresh database per test class, cloned from a template that is migrated once per run
/// (CREATE DATABASE ... TEMPLATE is far faster than migrating each time). The server is the
/// throwaway cluster ./geo test starts; its admin connection string arrives in GEO_TEST_DB.</summary>
public sealed class PostgisFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _templateName;

    public string DatabaseName { get; } = "geo_t_" + Guid.NewGuid().ToString("N")[..12];
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("GEO_TEST_DB") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("GEO_TEST_DB is not set: run the tests with ./geo test, which starts a throwaway PostGIS cluster");

    public async Task InitializeAsync()
    {
        var template = await EnsureTemplateAsync();
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\" TEMPLATE \"{template}\"", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        ConnectionString = WithDatabase(DatabaseName);
        DataSource = GeoDb.CreateDataSource(ConnectionString);
    }

    public GeoDbContext CreateContext() => GeoDb.CreateContext(DataSource);

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", admin);
        await cmd.ExecuteNonQueryAsync();
    }

    public static string WithDatabase(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    /// <summary>An empty database with only the extensions, for tests of the migrations themselves.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = "geo_e_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin)) await cmd.ExecuteNonQueryAsync();
        return name;
    }

    private static async Task<string> EnsureTemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_templateName is not null) return _templateName;
            var name = "geo_template_" + Environment.ProcessId;
            await using (var admin = new NpgsqlConnection(AdminConnectionString))
            {
                await admin.OpenAsync();
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"; ", admin);
                await cmd.ExecuteNonQueryAsync();
                cmd.CommandText = $"CREATE DATABASE \"{name}\"";
                await cmd.ExecuteNonQueryAsync();
            }
            await using (var ds = GeoDb.CreateDataSource(WithDatabase(name)))
            {
                await using var db = GeoDb.CreateContext(ds);
                await db.Database.MigrateAsync();
            }
            NpgsqlConnection.ClearAllPools(); // a template must have no open connections
            _templateName = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }
}
