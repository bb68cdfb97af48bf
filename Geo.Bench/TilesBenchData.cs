using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Npgsql;

namespace Geo.Bench;

/// <summary>1,000,000 deterministic assets over Tongzhou's urban core (dense around a few centres, the way
/// real assets cluster in residential areas), bulk-copied with AssetBulkWriter. Rebuilt only when missing.</summary>
internal static class TilesBenchData
{
    public const string Source = "bench-tiles";

    /// <summary>The urban core: the old town, the Canal business district and the city sub-centre.</summary>
    public static readonly (double Lon, double Lat, double Sigma)[] Centres =
        [(116.656, 39.909, 0.020), (116.700, 39.905, 0.015), (116.720, 39.880, 0.025), (116.630, 39.870, 0.020), (116.680, 39.940, 0.018)];

    public static readonly NetTopologySuite.Geometries.Envelope Core = new(116.60, 116.76, 39.84, 39.96);

    public static async Task EnsureAsync(NpgsqlDataSource ds, int count)
    {
        await using (var c = ds.CreateCommand("SELECT count(*) FROM assets WHERE source = $1"))
        {
            c.Parameters.AddWithValue(Source);
            if ((long)(await c.ExecuteScalarAsync())! == count) { Console.WriteLine($"bench data present: {count:N0} assets"); return; }
        }
        Console.WriteLine($"loading {count:N0} deterministic assets (binary COPY) ...");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await using (var c = ds.CreateCommand("DELETE FROM assets WHERE source = $1")) { c.Parameters.AddWithValue(Source); await c.ExecuteNonQueryAsync(); }
        await using (var conn = await ds.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            await AssetBulkWriter.CopyAsync(conn, "assets", Generate(count), withRowNumbers: false);
            await tx.CommitAsync();
        }
        await using (var c = ds.CreateCommand("VACUUM ANALYZE assets")) await c.ExecuteNonQueryAsync();
        Console.WriteLine($"loaded in {sw.Elapsed.TotalSeconds:F0} s");
    }

    private static IEnumerable<Asset> Generate(int count)
    {
        var rnd = new Random(20261128);
        var common = new[] { AssetKind.WifiHotspot, AssetKind.Shop, AssetKind.ResidentialBuilding, AssetKind.Sensor, AssetKind.Camera,
            AssetKind.DisplayScreen, AssetKind.Kiosk, AssetKind.PaymentTerminal, AssetKind.VehicleGate };
        var e = GeoFactory.DistrictExtent;
        for (var i = 0; i < count; i++)
        {
            var (cx, cy, s) = Centres[i % Centres.Length];
            double lon, lat;
            do
            {
                // Box-Muller: normal around the centre
                var u = 1 - rnd.NextDouble(); var v = rnd.NextDouble();
                var r = Math.Sqrt(-2 * Math.Log(u));
                lon = cx + s * r * Math.Cos(2 * Math.PI * v);
                lat = cy + s * 0.8 * r * Math.Sin(2 * Math.PI * v);
            } while (!e.Contains(lon, lat));
            var kind = i % 200 == 0 ? AssetKind.Shelter : i % 97 == 0 ? AssetKind.ServiceStation : common[rnd.Next(common.Length)];
            yield return new Asset
            {
                Kind = kind,
                Name = $"{kind.NameZh()} {i:D7}",
                Status = i % 23 == 0 ? AssetStatus.Maintenance : AssetStatus.Online,
                Source = Source,
                ExternalId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Geom = GeoFactory.Point(Math.Round(lon, 6), Math.Round(lat, 6)),
                CommunityId = null,
                GridCellId = null,
                Synthetic = true,
                Attributes = Attributes(kind, i),
            };
        }
    }

    private static AssetAttributes Attributes(AssetKind kind, int i) => kind switch
    {
        AssetKind.WifiHotspot => new WifiHotspotAttributes($"TZ-Free-{i % 5000}", 30 + i % 70, 100),
        AssetKind.Shop => new ShopAttributes((LifeElement)(i % 7), "便利店", "07:00-23:00"),
        AssetKind.ResidentialBuilding => new ResidentialBuildingAttributes(40 + i % 80, 100 + i % 200, 6 + i % 20),
        AssetKind.Sensor => new SensorAttributes((SensorType)(i % 6), 50, DateTimeOffset.UnixEpoch.AddSeconds(1_790_000_000 + i)),
        AssetKind.Camera => new CameraAttributes(CameraType.Surveillance, i % 360, 90, 30),
        AssetKind.DisplayScreen => new DisplayScreenAttributes(55),
        AssetKind.Kiosk => new KioskAttributes(true, "政务查询, 缴费"),
        AssetKind.PaymentTerminal => new PaymentTerminalAttributes("国网北京", "水费, 电费, 燃气费"),
        AssetKind.VehicleGate => new VehicleGateAttributes(true, 50 + i % 300),
        AssetKind.Shelter => new ShelterAttributes(500 + i % 2000, 3000),
        AssetKind.ServiceStation => new ServiceStationAttributes("养老助餐, 便民服务", "08:00-18:00"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
