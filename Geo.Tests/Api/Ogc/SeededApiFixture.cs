using System.Net;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Tests.Api.Ogc;

/// <summary>One database per test class with a small deterministic asset set around (116.65, 39.90), a
/// square region hierarchy around it, and the web host on that database (in-memory client; a real
/// Kestrel port on request for outside clients such as GDAL).</summary>
public sealed class SeededApiFixture : IAsyncLifetime
{
    public const string Source = "ogc-test";
    public PostgisFixture Db { get; } = new();
    public GeoWebFactory App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public (long CommunityId, long GridCellId) Regions { get; private set; }

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        // the hierarchy covers the west half of the asset area only: the east half is "outside"
        Regions = await RegionFixtures.AddSquareHierarchyAsync(Db.DataSource, "OGC", 116.55, 39.80, 0.10);
        await InsertAsync(Db.DataSource, Assets());
        App = new GeoWebFactory(Db.ConnectionString);
        Http = App.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>A second host on the same database on a real loopback port; the caller disposes it.</summary>
    public (GeoWebFactory App, string BaseUrl) StartKestrel(IDictionary<string, string?>? settings = null)
    {
        var app = new GeoWebFactory(Db.ConnectionString, settings);
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, address.TrimEnd('/'));
    }

    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public sealed record SeedAsset(AssetKind Kind, string Name, AssetStatus Status, Geometry Geom, AssetAttributes Attributes, DateTimeOffset UpdatedAt);

    /// <summary>Deterministic: 60 shops, 20 Wi-Fi hotspots, 6 cameras, 4 sensors, 4 polygon shelters.</summary>
    public static List<SeedAsset> Assets()
    {
        var rnd = new Random(20261128);
        var list = new List<SeedAsset>();
        var statuses = new[] { AssetStatus.Online, AssetStatus.Offline, AssetStatus.Maintenance, AssetStatus.Online };
        Point P() => GeoFactory.Point(116.60 + rnd.NextDouble() * 0.10, 39.85 + rnd.NextDouble() * 0.10);
        for (var i = 0; i < 60; i++)
        {
            list.Add(new(AssetKind.Shop, $"商铺 {i:00}{(i % 7 == 0 ? " 超市" : "")}", statuses[i % 4], P(),
                new ShopAttributes((LifeElement)(i % 7), i % 3 == 0 ? null : "grocery", "08:00-20:00"), T0.AddDays(i)));
        }
        for (var i = 0; i < 20; i++)
        {
            list.Add(new(AssetKind.WifiHotspot, $"Wi-Fi {i:00}", statuses[i % 4], P(),
                new WifiHotspotAttributes($"TZ-{i}", 20 + 10 * i, i % 2 == 0 ? 100 : null), T0.AddDays(i * 3)));
        }
        for (var i = 0; i < 6; i++) list.Add(new(AssetKind.Camera, $"摄像头 {i}", AssetStatus.Online, P(), new CameraAttributes(), T0));
        for (var i = 0; i < 4; i++) list.Add(new(AssetKind.Sensor, $"烟感 {i}", AssetStatus.Online, P(), new SensorAttributes(), T0));
        for (var i = 0; i < 4; i++)
        {
            var c = P().Coordinate;
            var square = GeoFactory.Wgs84.ToGeometry(new Envelope(c.X, c.X + 0.002, c.Y, c.Y + 0.0015));
            list.Add(new(AssetKind.Shelter, $"避难场所 {i}", AssetStatus.Online, square, new ShelterAttributes(100 * (i + 1), 500 * (i + 1)), T0.AddDays(10 * i)));
        }
        return list;
    }

    public static async Task InsertAsync(NpgsqlDataSource ds, IEnumerable<SeedAsset> rows)
    {
        await using var conn = await ds.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(conn);
        var n = 0;
        foreach (var a in rows)
        {
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, true, $7::jsonb, $8, $8)
                """);
            cmd.Parameters.AddWithValue(a.Kind.Code());
            cmd.Parameters.AddWithValue(a.Name);
            cmd.Parameters.AddWithValue(a.Status.Code());
            cmd.Parameters.AddWithValue(Source);
            cmd.Parameters.AddWithValue($"{a.Kind.Code()}-{n++}");
            cmd.Parameters.AddWithValue(a.Geom);
            cmd.Parameters.AddWithValue(AssetJson.Serialize(a.Attributes));
            cmd.Parameters.AddWithValue(a.UpdatedAt);
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string whereSql, params object[] args)
    {
        await using var cmd = Db.DataSource.CreateCommand($"SELECT count(*) FROM assets WHERE {whereSql}");
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<List<long>> IdsAsync(string whereSql, params object[] args)
    {
        await using var cmd = Db.DataSource.CreateCommand($"SELECT id FROM assets WHERE {whereSql} ORDER BY id");
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetInt64(0));
        return ids;
    }
}
