using System.Diagnostics;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Bench;

/// <summary>The 1,000,000-asset benchmark set: deterministic points spread uniformly over Tongzhou's bbox,
/// labelled source 'bench-api' so they never mix with real or generated layers. Loaded once per database.</summary>
internal static class BenchData
{
    public const string Source = "bench-api";
    public const int Count = 1_000_000;

    private static readonly AssetKind[] Kinds = [AssetKind.Shop, AssetKind.WifiHotspot, AssetKind.Kiosk, AssetKind.DisplayScreen, AssetKind.ServiceStation];

    public static async Task EnsureAsync(NpgsqlDataSource ds)
    {
        await using (var db = GeoDb.CreateContext(ds)) await db.Database.MigrateAsync();
        await using var conn = await ds.OpenConnectionAsync();
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM assets WHERE source = $1", conn))
        {
            cmd.Parameters.AddWithValue(Source);
            if ((long)(await cmd.ExecuteScalarAsync())! == Count)
            {
                Console.WriteLine($"bench data: {Count:N0} assets present");
                return;
            }
        }
        Console.WriteLine($"bench data: loading {Count:N0} deterministic assets (binary COPY)...");
        var sw = Stopwatch.StartNew();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("DELETE FROM assets WHERE source = $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(Source);
            await cmd.ExecuteNonQueryAsync();
        }
        // skip the per-row region-assignment trigger: the benchmark needs points, not community ids
        await using (var cmd = new NpgsqlCommand("SET LOCAL session_replication_role = replica", conn, tx)) await cmd.ExecuteNonQueryAsync();
        await AssetBulkWriter.CopyAsync(conn, "assets", Rows(), withRowNumbers: false);
        // replica role skipped the asset_bins and asset_cells triggers too: recount the tile summaries
        await using (var cmd = new NpgsqlCommand(Geo.Core.Data.Sql.AssetBins.Rebuild + "\n" + Geo.Core.Data.Sql.AssetCells.Rebuild, conn, tx) { CommandTimeout = 0 }) await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        await using (var cmd = new NpgsqlCommand("VACUUM ANALYZE assets", conn)) await cmd.ExecuteNonQueryAsync();
        Console.WriteLine($"bench data: loaded in {sw.Elapsed.TotalSeconds:F0} s");
    }

    private static IEnumerable<Asset> Rows()
    {
        var rnd = new Random(42);
        for (var i = 0; i < Count; i++)
        {
            var kind = Kinds[i % Kinds.Length];
            yield return new Asset
            {
                Kind = kind,
                Name = $"bench {i}",
                Status = (i % 10) == 0 ? AssetStatus.Offline : AssetStatus.Online,
                Source = Source,
                ExternalId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Geom = GeoFactory.Point(116.514 + rnd.NextDouble() * 0.434, 39.592 + rnd.NextDouble() * 0.439),
                Synthetic = true,
                Attributes = kind switch
                {
                    AssetKind.Shop => new ShopAttributes((LifeElement)(i % 7), "grocery"),
                    AssetKind.WifiHotspot => new WifiHotspotAttributes($"TZ-{i}"),
                    AssetKind.Kiosk => new KioskAttributes(),
                    AssetKind.DisplayScreen => new DisplayScreenAttributes(55),
                    _ => new ServiceStationAttributes("elderly care"),
                },
            };
        }
    }
}
