using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Api.Ogc;

/// <summary>A collection larger than every paging limit of the API (the one-scan count cap of 10,000, the
/// maximum limit of 10,000): 10,600 shops made by generate_series, plus a few hotspots so the kind filter matters.</summary>
public sealed class BigCollectionFixture : IAsyncLifetime
{
    public const int Shops = 10_600;
    public PostgisFixture Db { get; } = new();
    public GeoWebFactory App { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        var shop = AssetJson.Serialize(new ShopAttributes(LifeElement.Eat, "餐馆", "08:00-20:00"));
        var wifi = AssetJson.Serialize(new WifiHotspotAttributes("TZ"));
        await using (var cmd = Db.DataSource.CreateCommand("""
            INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes)
            SELECT 'shop', '商铺 ' || i, (ARRAY['online','offline','maintenance','online','online','online','online'])[1 + i % 7],
                   'big', 's' || i,
                   ST_SetSRID(ST_MakePoint(116.60 + (i % 150) * 0.0005, 39.85 + (i / 150) * 0.0005), 4326), true, $1::jsonb
            FROM generate_series(1, $2) i
            UNION ALL
            SELECT 'wifi_hotspot', 'Wi-Fi ' || i, 'online', 'big', 'w' || i,
                   ST_SetSRID(ST_MakePoint(116.70, 39.90 + i * 0.001), 4326), true, $3::jsonb
            FROM generate_series(1, 30) i
            """))
        {
            cmd.Parameters.AddWithValue(shop);
            cmd.Parameters.AddWithValue(Shops);
            cmd.Parameters.AddWithValue(wifi);
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var cmd = Db.DataSource.CreateCommand("VACUUM ANALYZE assets")) await cmd.ExecuteNonQueryAsync();
        App = new GeoWebFactory(Db.ConnectionString);
        App.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Db.DisposeAsync();
    }

    public async Task<long> CountAsync(string whereSql)
    {
        await using var cmd = Db.DataSource.CreateCommand($"SELECT count(*) FROM assets WHERE {whereSql}");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>Paging past 10,000 features: every offset reaches its rows, numberMatched is exact or absent, and GDAL
/// (the outside client) copies every row the database holds, with its default page size and with PAGE_SIZE=1000,
/// with and without a client-side attribute filter.</summary>
public sealed partial class BigCollectionTests(BigCollectionFixture f) : IClassFixture<BigCollectionFixture>
{
    private async Task<JsonElement> GetAsync(string pathAndQuery)
    {
        using var http = new HttpClient();
        var res = await http.GetAsync(f.BaseUrl + pathAndQuery);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9_998)]
    [InlineData(10_000)]
    [InlineData(10_001)]
    [InlineData(10_596)]
    public async Task Every_offset_returns_the_rows_at_that_offset_in_id_order(int offset)
    {
        await using var cmd = f.Db.DataSource.CreateCommand("SELECT id FROM assets WHERE kind = 'shop' ORDER BY id LIMIT 5 OFFSET $1");
        cmd.Parameters.AddWithValue((long)offset);
        var expected = new List<long>();
        await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) expected.Add(r.GetInt64(0));

        var page = await GetAsync($"/ogc/collections/shop/items?limit=5&offset={offset}");
        Assert.Equal(expected, ApiAssert.Ids(page));
        var total = await f.CountAsync("kind = 'shop'");
        var hasNext = page.GetProperty("links").EnumerateArray().Any(l => l.GetProperty("rel").GetString() == "next");
        Assert.Equal(offset + 5 < total, hasNext);
        // numberMatched, when present, is the database's count: never a cap, never an estimate
        if (page.TryGetProperty("numberMatched", out var matched)) Assert.Equal(total, matched.GetInt64());
        if (offset == 0) Assert.Equal(total, matched.GetInt64());
    }

    [Fact]
    public async Task An_offset_past_the_end_is_an_empty_page_without_next()
    {
        var page = await GetAsync($"/ogc/collections/shop/items?limit=10&offset={BigCollectionFixture.Shops + 100}");
        Assert.Equal(0, page.GetProperty("numberReturned").GetInt32());
        Assert.DoesNotContain(page.GetProperty("links").EnumerateArray(), l => l.GetProperty("rel").GetString() == "next");
    }

    [Fact]
    public async Task A_filtered_first_page_counts_exactly_beyond_the_one_scan_cap()
    {
        var page = await GetAsync("/ogc/collections/shop/items?limit=3&synthetic=true");
        Assert.Equal(await f.CountAsync("kind = 'shop' AND synthetic"), page.GetProperty("numberMatched").GetInt64());
        Assert.True(page.GetProperty("numberMatched").GetInt64() > 10_001, "the filter must match more than the one-scan cap");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("1000", null)]
    [InlineData("1000", "status='offline'")]
    public async Task Ogr2ogr_copies_every_row_of_a_collection_bigger_than_every_limit(string? pageSize, string? where)
    {
        using (var tmp = new TempDir("geo-big-"))
        {
            var outFile = tmp.File("big.csv");
            var args = new List<string> { "-f", "CSV", outFile };
            if (pageSize is not null) args.AddRange(["-oo", $"PAGE_SIZE={pageSize}"]);
            if (where is not null) args.AddRange(["-where", where]);
            args.AddRange([$"OAPIF:{f.BaseUrl}/ogc", "shop"]);
            await GdalAsync("ogr2ogr", [.. args]);
            var lines = (await File.ReadAllLinesAsync(outFile)).Skip(1).Where(l => l.Length > 0).ToList();
            var expected = await f.CountAsync("kind = 'shop'" + (where is null ? "" : " AND status = 'offline'"));
            Assert.True(expected > 1_000, "the fixture must make the filter's result bigger than a page");
            Assert.Equal(expected, lines.Count);
            Assert.Equal(lines.Count, lines.Distinct().Count());
        }
    }

    [Fact]
    public async Task Ogrinfo_summary_reports_the_database_count()
    {
        var output = await GdalAsync("ogrinfo", "-ro", "-so", $"OAPIF:{f.BaseUrl}/ogc", "shop");
        Assert.Equal(await f.CountAsync("kind = 'shop'"), long.Parse(FeatureCount().Match(output).Groups[1].Value));
    }

    private static async Task<string> GdalAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GDAL_HTTP_TIMEOUT"] = "60";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex(@"Feature Count: (\d+)")]
    private static partial Regex FeatureCount();
}
