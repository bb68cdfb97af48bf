using Npgsql;

namespace Geo.Tests.Infrastructure;

/// <summary>What every test database starts with. Deliberately empty of regions and assets:
/// each test creates and asserts its own data (no dependence on seeded counts).</summary>
internal static class TestData
{
    public static Task SeedTemplateAsync(NpgsqlDataSource dataSource)
    {
        _ = dataSource;
        return Task.CompletedTask;
    }
}
