using Geo.Ingest.Generation;
using Geo.Tests.Infrastructure;
using Npgsql;

namespace Geo.Tests.Ingest;

/// <summary>The real layers (read once per run) and the small scale that keeps generator tests fast:
/// the region layout is full size at any scale, only asset counts shrink.</summary>
internal static class GeneratorTestData
{
    public const double SmallScale = 0.03;

    private static readonly Lazy<RealLayers> LazyReal = new(() => RealLayers.Load(RealLayers.FindDataDirectory()));

    public static RealLayers Real => LazyReal.Value;

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource ds, string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        cmd.CommandTimeout = 120;
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A digest of everything generated, ordered by natural keys (never by id or time).</summary>
    public static Task<string> DigestAsync(NpgsqlDataSource ds) => ScalarAsync<string>(ds, """
        SELECT md5(
            (SELECT string_agg(concat_ws('|', level, code, name, unit_type, ST_AsText(geom), population, population_60_plus,
                                         grid_manager, grid_manager_phone, pilot, synthetic), E'\n' ORDER BY code) FROM regions)
            || (SELECT string_agg(concat_ws('|', a.kind, a.name, a.status, a.source, a.external_id, ST_AsText(a.geom), a.attributes::text,
                                         a.synthetic, c.code), E'\n' ORDER BY a.source, a.external_id)
                FROM assets a LEFT JOIN regions c ON c.id = a.grid_cell_id))
        """);
}

/// <summary>One database per test class holding the base layers and a small generated data set, shared by
/// the read-only tests of the class.</summary>
public sealed class GeneratedDatabaseFixture : IAsyncLifetime
{
    public const int Seed = 11;

    public PostgisFixture Db { get; } = new();

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        await BaseLoader.LoadAsync(Db.DataSource, GeneratorTestData.Real, Seed, GeneratorTestData.SmallScale, TextWriter.Null);
    }

    public Task DisposeAsync() => Db.DisposeAsync();
}
