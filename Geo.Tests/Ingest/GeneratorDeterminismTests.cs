using System.Text.Json;
using Geo.Ingest.Generation;
using Geo.Tests.Infrastructure;
using static Geo.Tests.Ingest.GeneratorTestData;

namespace Geo.Tests.Ingest;

public sealed class GeneratorDeterminismTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Same_seed_gives_identical_data_and_files_another_seed_differs_and_real_rows_survive()
    {
        var first7 = TongzhouGenerator.Build(Real, 7, SmallScale);
        await DatasetWriter.WriteAsync(db.DataSource, first7, TextWriter.Null);
        await BaseLoader.LoadAsync(db.DataSource, Real, seed: 7, SmallScale, TextWriter.Null); // adds the real shelters only
        var first = await DigestAsync(db.DataSource);
        var counts = await CountsAsync();

        // regenerating with the same seed replaces the synthetic rows with identical ones
        var again = TongzhouGenerator.Build(Real, 7, SmallScale);
        await DatasetWriter.WriteAsync(db.DataSource, again, TextWriter.Null);
        Assert.Equal(first, await DigestAsync(db.DataSource));
        Assert.Equal(counts, await CountsAsync());

        using (var dir = new TempDir("geo-gen-"))
        {
            foreach (var format in AssetFileWriter.Formats)
            {
                var a = dir.File("a." + format);
                var b = dir.File("b." + format);
                var n = AssetFileWriter.Write(first7, a, format);
                Assert.Equal(n, AssetFileWriter.Write(again, b, format));
                Assert.Equal(await File.ReadAllBytesAsync(a), await File.ReadAllBytesAsync(b));
                if (format == "csv") Assert.Equal(n + 1, File.ReadLines(a).LongCount());
                else Assert.Equal(n, JsonDocument.Parse(await File.ReadAllBytesAsync(a)).RootElement.GetProperty("features").GetArrayLength());
            }
        }

        var seed8 = TongzhouGenerator.Build(Real, 8, SmallScale);
        await DatasetWriter.WriteAsync(db.DataSource, seed8, TextWriter.Null);
        Assert.NotEqual(first, await DigestAsync(db.DataSource));

        // the real shelters stay, and follow the new grid cells
        Assert.Equal(42L, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM assets WHERE source = '{BaseLoader.ShelterSource}' AND NOT synthetic"));
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, $"""
            SELECT count(*) FROM assets a LEFT JOIN regions c ON c.id = a.grid_cell_id
            WHERE a.source = '{BaseLoader.ShelterSource}' AND ST_Within(a.geom, (SELECT geom FROM regions WHERE level = 'district'))
              AND (c.id IS NULL OR NOT ST_Intersects(c.geom, a.geom) OR a.community_id IS DISTINCT FROM c.parent_id)
            """));
    }

    private async Task<string> CountsAsync() => await ScalarAsync<string>(db.DataSource, """
        SELECT (SELECT string_agg(level || '=' || n, ',' ORDER BY level) FROM (SELECT level, count(*) n FROM regions GROUP BY level) r)
            || ';' || (SELECT string_agg(source || '=' || n, ',' ORDER BY source) FROM (SELECT source, count(*) n FROM assets GROUP BY source) a)
        """);
}
