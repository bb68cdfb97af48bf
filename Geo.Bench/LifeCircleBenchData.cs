using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Bench;

/// <summary>Deterministic synthetic residential buildings and shops on the bench network's nodes, for the
/// life-circle benchmark when the bench database has none (the demo generator may not have run there).
/// Labelled synthetic, source "bench-lifecircle"; written to the bench database only.</summary>
internal static class LifeCircleBenchData
{
    public const string Source = "bench-lifecircle";

    public static async Task<int> EnsureAsync(NpgsqlDataSource ds, WalkingGraph graph, int buildings = 40_000, int shops = 9_000)
    {
        await using (var count = ds.CreateCommand("SELECT count(*) FROM assets WHERE kind = 'residential_building'"))
        {
            if ((long)(await count.ExecuteScalarAsync())! > 0) return 0;
        }
        var rnd = new Random(2026);
        var elements = Enum.GetValues<LifeElement>();
        var assets = new List<Asset>(buildings + shops);
        // buildings stand a little off a random node (not on the street); services cluster less evenly:
        // a share of nodes gets none, which is what makes gaps
        for (var i = 0; i < buildings; i++)
        {
            var (lon, lat) = graph.NodeLonLat(rnd.Next(graph.NodeCount));
            var residents = 30 + rnd.Next(400);
            assets.Add(new Asset
            {
                Kind = AssetKind.ResidentialBuilding, Name = $"合成楼 {i}", Source = Source, ExternalId = $"b{i}",
                Geom = GeoFactory.Point(lon + 0.0002, lat + 0.00015), Attributes = new ResidentialBuildingAttributes(residents / 3, residents), Synthetic = true,
            });
        }
        for (var i = 0; i < shops; i++)
        {
            var (lon, lat) = graph.NodeLonLat(rnd.Next(graph.NodeCount));
            // health and entertainment rarer than food and shopping
            var el = elements[Math.Min(elements.Length - 1, (int)(rnd.NextDouble() * rnd.NextDouble() * elements.Length * 1.6))];
            assets.Add(new Asset
            {
                Kind = AssetKind.Shop, Name = $"合成店 {i}", Source = Source, ExternalId = $"s{i}",
                Geom = GeoFactory.Point(lon - 0.0001, lat + 0.0001), Attributes = new ShopAttributes(el), Synthetic = true,
            });
        }
        await using var conn = await ds.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await AssetBulkWriter.CopyAsync(conn, "assets", assets, withRowNumbers: false);
        await tx.CommitAsync();
        return assets.Count;
    }
}
