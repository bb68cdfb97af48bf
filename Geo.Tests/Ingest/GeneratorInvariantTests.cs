using Geo.Core.Domain;
using Geo.Ingest.Generation;
using static Geo.Tests.Ingest.GeneratorTestData;

namespace Geo.Tests.Ingest;

/// <summary>The generated hierarchy and assets checked by PostGIS itself, on one small generated database.</summary>
public sealed class GeneratorInvariantTests(GeneratedDatabaseFixture fixture) : IClassFixture<GeneratedDatabaseFixture>
{
    private Task<long> CountAsync(string sql) => ScalarAsync<long>(fixture.Db.DataSource, sql);

    [Fact]
    public async Task Real_codes_names_and_unit_types_are_loaded()
    {
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM regions WHERE level = 'district' AND code = '110112' AND NOT synthetic AND parent_id IS NULL"));
        Assert.Equal(22L, await CountAsync("SELECT count(*) FROM regions WHERE level = 'subdistrict'"));
        Assert.Equal(656L, await CountAsync("SELECT count(*) FROM regions WHERE level = 'community'"));
        foreach (var s in Real.Subdistricts)
        {
            Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM regions WHERE level = 'subdistrict' AND code = '{s.Code}' AND name = '{s.Name}' AND unit_type = '{s.UnitType}'"));
        }
        Assert.Equal("11,10,1", await ScalarAsync<string>(fixture.Db.DataSource, """
            SELECT concat_ws(',', count(*) FILTER (WHERE unit_type = '街道'), count(*) FILTER (WHERE unit_type = '镇'), count(*) FILTER (WHERE unit_type = '乡'))
            FROM regions WHERE level = 'subdistrict'
            """));
        var codes = string.Join(",", Real.Communities.Select(c => $"('{c.Code}','{c.ParentCode}','{c.UnitType}')"));
        Assert.Equal(656L, await CountAsync($"""
            SELECT count(*) FROM regions c JOIN regions p ON p.id = c.parent_id
            JOIN (VALUES {codes}) AS real(code, parent, unit_type) ON real.code = c.code AND real.parent = p.code AND real.unit_type = c.unit_type
            WHERE c.level = 'community'
            """));
        Assert.Contains(Real.Communities, c => c.UnitType == "村");
        Assert.Contains(Real.Communities, c => c.UnitType == "社区");
    }

    [Fact]
    public async Task Every_region_lies_within_its_parent()
    {
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM regions c JOIN regions p ON p.id = c.parent_id
            WHERE ST_Area(ST_Difference(c.geom, p.geom)) > 1e-9 * ST_Area(c.geom)
            """));
        // and the subdistricts tile the district
        Assert.True(await ScalarAsync<double>(fixture.Db.DataSource, """
            SELECT ST_Area(ST_SymDifference(d.geom, (SELECT ST_Union(geom) FROM regions WHERE level = 'subdistrict'))) / ST_Area(d.geom)
            FROM regions d WHERE level = 'district'
            """) < 1e-6);
    }

    [Fact]
    public async Task Grid_cells_cover_every_community_exactly_without_overlaps()
    {
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM regions c
            LEFT JOIN LATERAL (SELECT ST_Union(g.geom) AS u FROM regions g WHERE g.parent_id = c.id AND g.level = 'grid_cell') cells ON true
            WHERE c.level = 'community' AND (cells.u IS NULL OR ST_Area(ST_SymDifference(c.geom, cells.u)) >= 1e-6 * ST_Area(c.geom))
            """));
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM regions a JOIN regions b ON a.parent_id = b.parent_id AND a.id < b.id AND a.geom && b.geom
            WHERE a.level = 'grid_cell' AND b.level = 'grid_cell' AND ST_Area(ST_Intersection(a.geom, b.geom)) > 1e-6 * LEAST(ST_Area(a.geom), ST_Area(b.geom))
            """));
        // cells of roughly 100–300 m: no cell much larger than a 300 m square
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM regions WHERE level = 'grid_cell' AND ST_Area(geom::geography) > 2.5 * 300 * 300"));
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM regions g JOIN regions c ON c.id = g.parent_id
            WHERE g.level = 'grid_cell' AND (g.code !~ ('^' || c.code || '[0-9]{3}$') OR g.grid_manager IS NULL OR g.grid_manager_phone !~ '^1380000[0-9]{4}$')
            """));
    }

    [Fact]
    public async Task Every_asset_kind_is_present_and_everything_generated_is_synthetic()
    {
        foreach (var kind in AssetKinds.All)
        {
            Assert.True(await CountAsync($"SELECT count(*) FROM assets WHERE kind = '{kind.Code()}' AND source = 'synthetic'") > 0, kind.Code());
        }
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM assets WHERE (source = 'synthetic') <> synthetic"));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM regions WHERE level <> 'district' AND NOT synthetic"));
        Assert.Equal(42L, await CountAsync($"SELECT count(*) FROM assets WHERE source = '{BaseLoader.ShelterSource}' AND kind = 'shelter' AND NOT synthetic AND attributes->'capacity' IS NULL"));
        Assert.Equal(42L, await CountAsync($"SELECT count(DISTINCT geom) FROM assets WHERE source = '{BaseLoader.ShelterSource}'"));
        Assert.Equal(4L, await CountAsync("SELECT count(DISTINCT status) FROM assets WHERE synthetic"));
        Assert.Equal(7L, await CountAsync("SELECT count(DISTINCT attributes->>'category') FROM assets WHERE kind = 'shop'"));
    }

    [Fact]
    public async Task Assets_are_assigned_to_the_grid_cell_that_contains_them()
    {
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM assets a
            WHERE a.synthetic AND NOT EXISTS (
                SELECT 1 FROM regions c WHERE c.id = a.grid_cell_id AND c.level = 'grid_cell' AND c.parent_id = a.community_id AND ST_Contains(c.geom, a.geom))
            """));
        // and no other cell contains them
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM assets a JOIN regions c ON c.level = 'grid_cell' AND c.id <> a.grid_cell_id AND ST_Contains(c.geom, a.geom)
            WHERE a.synthetic
            """));
    }

    [Fact]
    public async Task Populations_are_sums_of_buildings_and_match_the_census()
    {
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM regions g
            LEFT JOIN (SELECT grid_cell_id, sum((attributes->>'residents')::int) r FROM assets WHERE kind = 'residential_building' GROUP BY grid_cell_id) b
                   ON b.grid_cell_id = g.id
            WHERE g.level = 'grid_cell' AND g.population <> coalesce(b.r, 0)
            """));
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM regions p
            JOIN (SELECT parent_id, sum(population) s, sum(population_60_plus) s60 FROM regions GROUP BY parent_id) c ON c.parent_id = p.id
            WHERE p.population <> c.s OR p.population_60_plus <> c.s60
            """));
        Assert.Equal(PopulationPlan.DistrictPopulation, await ScalarAsync<int>(fixture.Db.DataSource, "SELECT population FROM regions WHERE level = 'district'"));
        var share = await ScalarAsync<double>(fixture.Db.DataSource, "SELECT population_60_plus::float8 / population FROM regions WHERE level = 'district'");
        Assert.InRange(share, 0.18, 0.21);
        // denser in the 11 街道: their communities hold more people per km² than the towns'
        Assert.True(await ScalarAsync<bool>(fixture.Db.DataSource, """
            SELECT sum(population) FILTER (WHERE unit_type = '街道') / sum(ST_Area(geom::geography)) FILTER (WHERE unit_type = '街道')
                 > 4 * sum(population) FILTER (WHERE unit_type <> '街道') / sum(ST_Area(geom::geography)) FILTER (WHERE unit_type <> '街道')
            FROM regions WHERE level = 'subdistrict'
            """));
    }

    [Fact]
    public async Task Pilot_communities_are_fifteen_urban_ones_in_the_old_town()
    {
        Assert.Equal(15L, await CountAsync("""
            SELECT count(*) FROM regions c JOIN regions p ON p.id = c.parent_id
            WHERE c.pilot AND c.unit_type = '社区' AND p.code IN ('110112001', '110112002', '110112003', '110112004')
            """));
        Assert.Equal(15L, await CountAsync("SELECT count(*) FROM regions WHERE pilot"));
    }

    [Fact]
    public async Task Most_urban_communities_have_a_display_screen_but_not_all()
    {
        var lacking = await CountAsync("""
            SELECT count(*) FROM regions c JOIN regions p ON p.id = c.parent_id
            WHERE c.level = 'community' AND c.unit_type = '社区' AND p.unit_type = '街道'
              AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.community_id = c.id AND a.kind = 'display_screen')
            """);
        Assert.InRange(lacking, 1, 30);
    }

    [Fact]
    public async Task Load_base_twice_changes_nothing()
    {
        const string snapshot = """
            SELECT concat_ws(',', (SELECT count(*) FROM regions), (SELECT max(id) FROM regions), (SELECT count(*) FROM assets),
                             (SELECT max(id) FROM assets), (SELECT count(DISTINCT (source, external_id)) FROM assets),
                             (SELECT count(DISTINCT code) FROM regions))
            """;
        var before = await ScalarAsync<string>(fixture.Db.DataSource, snapshot);
        await BaseLoader.LoadAsync(fixture.Db.DataSource, Real, GeneratedDatabaseFixture.Seed, SmallScale, TextWriter.Null);
        Assert.Equal(before, await ScalarAsync<string>(fixture.Db.DataSource, snapshot));
    }
}
