using Geo.Api.Ogc.Cql2;

namespace Geo.Tests.Api.Ogc;

/// <summary>CQL2 through the API against equivalent hand-written SQL, plus parser error positions.</summary>
public sealed class Cql2Tests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    private const string Shops = "source = 'ogc-test' AND kind = 'shop'";

    public static TheoryData<string, string, string> Equivalents => new()
    {
        { "shop", "status = 'offline'", "status = 'offline'" },
        { "shop", "status <> 'online' AND NOT (category = 'eat')", "status <> 'online' AND NOT (attributes->>'category' = 'eat')" },
        { "shop", "status = 'offline' OR status = 'maintenance' AND category = 'health'", "status = 'offline' OR (status = 'maintenance' AND attributes->>'category' = 'health')" },
        { "shop", "name LIKE '%超市%'", "name LIKE '%超市%'" },
        { "shop", "name NOT LIKE '商铺 1_'", "name NOT LIKE '商铺 1_'" },
        { "shop", "category IN ('eat', 'shop', 'health')", "attributes->>'category' IN ('eat', 'shop', 'health')" },
        { "shop", "status NOT IN ('online')", "status NOT IN ('online')" },
        { "shop", "updated_at BETWEEN TIMESTAMP('2026-01-05T00:00:00Z') AND TIMESTAMP('2026-01-15T00:00:00Z')", "updated_at BETWEEN '2026-01-05T00:00:00Z' AND '2026-01-15T00:00:00Z'" },
        { "shop", "updated_at >= DATE('2026-02-01')", "updated_at >= '2026-02-01'" },
        { "shop", "shop_type IS NULL", "attributes->>'shop_type' IS NULL" },
        { "shop", "shop_type IS NOT NULL AND id > 10", "attributes->>'shop_type' IS NOT NULL AND id > 10" },
        { "shop", "S_INTERSECTS(geometry, POLYGON((116.6 39.85, 116.65 39.85, 116.65 39.9, 116.6 39.9, 116.6 39.85)))",
            "ST_Intersects(geom, ST_GeomFromText('POLYGON((116.6 39.85, 116.65 39.85, 116.65 39.9, 116.6 39.9, 116.6 39.85))', 4326))" },
        { "shop", "S_WITHIN(geometry, BBOX(116.63, 39.87, 116.7, 39.95)) AND NOT status = 'offline'",
            "ST_Within(geom, ST_MakeEnvelope(116.63, 39.87, 116.7, 39.95, 4326)) AND NOT status = 'offline'" },
        { "wifi_hotspot", "coverage_radius_m > 100 AND bandwidth_mbps = 100", "(attributes->>'coverage_radius_m')::float8 > 100 AND (attributes->>'bandwidth_mbps')::float8 = 100" },
        { "wifi_hotspot", "coverage_radius_m BETWEEN 50 AND 120.5", "(attributes->>'coverage_radius_m')::float8 BETWEEN 50 AND 120.5" },
        { "shelter", "S_INTERSECTS(geometry, POINT(116.65 39.9)) OR capacity >= 300", "ST_Intersects(geom, ST_SetSRID(ST_Point(116.65, 39.9), 4326)) OR (attributes->>'capacity')::int >= 300" },
        { "shelter", "\"capacity\" < 250 AND synthetic = TRUE", "(attributes->>'capacity')::int < 250 AND synthetic" },
    };

    [Theory]
    [MemberData(nameof(Equivalents))]
    public async Task Filter_matches_hand_written_sql(string collection, string cql, string sql)
    {
        var expected = await f.IdsAsync($"source = 'ogc-test' AND kind = '{collection}' AND ({sql})");
        var page = await ApiAssert.JsonAsync(await f.Http.GetAsync($"/ogc/collections/{collection}/items?limit=10000&filter={Uri.EscapeDataString(cql)}"));
        Assert.Equal(expected, ApiAssert.Ids(page));
    }

    [Fact]
    public async Task Filter_crs_epsg_4326_reads_lat_lon()
    {
        var expected = await f.IdsAsync($"{Shops} AND ST_Intersects(geom, ST_MakeEnvelope(116.6, 39.85, 116.65, 39.9, 4326))");
        var cql = "S_INTERSECTS(geometry, POLYGON((39.85 116.6, 39.85 116.65, 39.9 116.65, 39.9 116.6, 39.85 116.6)))";
        var page = await ApiAssert.JsonAsync(await f.Http.GetAsync(
            $"/ogc/collections/shop/items?limit=10000&filter-crs=EPSG:4326&filter={Uri.EscapeDataString(cql)}"));
        Assert.Equal(expected, ApiAssert.Ids(page));
    }

    [Theory]
    [InlineData("status = ", 10)]
    [InlineData("status == 'x'", 9)]
    [InlineData("colour = 'red'", 1)]
    [InlineData("status = 'x' AND", 17)]
    [InlineData("name LIKE 5", 11)]
    [InlineData("capacity = 'many'", 1)]
    [InlineData("S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))", 24)]
    [InlineData("S_INTERSECTS(geometry, POLYGON((0 0, 1 1)", 24)]
    [InlineData("status = 'unterminated", 10)]
    [InlineData("geometry = 'x'", 1)]
    [InlineData("(status = 'x'", 14)]
    [InlineData("status = 'x' #", 14)]
    public async Task Invalid_cql2_is_a_400_naming_filter_with_the_position(string cql, int position)
    {
        // shop's queryables include the numeric capacity, so 'capacity = \'many\'' is a type error, not an unknown name
        var problem = await ApiAssert.ProblemAsync(await f.Http.GetAsync($"/ogc/collections/shop/items?filter={Uri.EscapeDataString(cql)}"), "filter");
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
        Assert.Contains($"position {position}", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void Parser_precedence_is_not_and_or()
    {
        var node = Cql2Parser.Parse("a = 1 OR NOT b = 2 AND c = 3");
        var or = Assert.IsType<CqlOr>(node);
        var and = Assert.IsType<CqlAnd>(or.Right);
        Assert.IsType<CqlNot>(and.Left);
    }
}

/// <summary>The parser and translator recurse: depth, predicate count and length are bounded, each with a clear
/// 400 naming <c>filter</c>, and the bounds themselves still work.</summary>
public sealed class Cql2LimitTests
{
    private static string Nested(int depth) => new string('(', depth) + "status = 'online'" + new string(')', depth);

    [Fact]
    public void Depth_at_the_limit_parses_one_past_it_is_refused_with_the_position()
    {
        Assert.NotNull(Cql2Parser.Parse(Nested(Cql2Parser.MaxDepth)));
        var ex = Assert.Throws<Cql2Exception>(() => Cql2Parser.Parse(Nested(Cql2Parser.MaxDepth + 1)));
        Assert.Contains("deeper", ex.Message);
        Assert.Equal(Cql2Parser.MaxDepth, ex.Position);
        Assert.Throws<Cql2Exception>(() => Cql2Parser.Parse(string.Concat(Enumerable.Repeat("NOT ", Cql2Parser.MaxDepth + 1)) + "status = 'online'"));
        // a hundred thousand parentheses would overflow the stack of a parser without the bound
        Assert.Throws<Cql2Exception>(() => Cql2Parser.Parse(Nested(100_000)));
    }

    [Fact]
    public void Predicate_count_and_length_are_bounded()
    {
        string Chain(int n) => string.Join(" AND ", Enumerable.Repeat("id > 1", n));
        Assert.NotNull(Cql2Parser.Parse(Chain(Cql2Parser.MaxPredicates)));
        Assert.Contains("predicates", Assert.Throws<Cql2Exception>(() => Cql2Parser.Parse(Chain(Cql2Parser.MaxPredicates + 1))).Message);
        Assert.Contains("characters", Assert.Throws<Cql2Exception>(() => Cql2Parser.Parse("id > " + new string('1', Cql2Parser.MaxLength))).Message);
    }
}
