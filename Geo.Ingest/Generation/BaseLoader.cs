using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Npgsql;

namespace Geo.Ingest.Generation;

/// <summary>`load-base`: the district outline, the 22 subdistricts/towns and 656 communities (real codes and
/// names, synthetic polygons), the demo data set when absent, and the real shelters. Idempotent: on a
/// loaded database it only counts rows.</summary>
internal static class BaseLoader
{
    public const string ShelterSource = "beijing-open-data-shelters";

    public static async Task LoadAsync(NpgsqlDataSource ds, RealLayers real, int seed, double scale, TextWriter log, CancellationToken ct = default)
    {
        if (await HierarchyLoadedAsync(ds, real, ct))
        {
            log.WriteLine("base layers present (district, 22 subdistricts/towns, 656 communities, grid cells): nothing to generate");
        }
        else
        {
            log.WriteLine($"base layers incomplete: generating the demo data set (seed {seed}, scale {scale})");
            var data = TongzhouGenerator.Build(real, seed, scale);
            await DatasetWriter.WriteAsync(ds, data, log, ct);
        }
        var added = await LoadSheltersAsync(ds, real, ct);
        log.WriteLine(added == 0 ? $"shelters present ({real.Shelters.Count})" : $"shelters: {added} real shelters added");
        await DemoLiveState.RefreshAsync(ds, log, ct);
    }

    private static async Task<bool> HierarchyLoadedAsync(NpgsqlDataSource ds, RealLayers real, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand("""
            SELECT count(*) FILTER (WHERE level = 'district' AND code = $1),
                   count(*) FILTER (WHERE level = 'subdistrict' AND code = ANY($2)),
                   count(*) FILTER (WHERE level = 'community' AND code = ANY($3)),
                   (SELECT count(*) FROM (SELECT 1 FROM regions WHERE level = 'grid_cell' LIMIT 1) g)
            FROM regions WHERE level IN ('district', 'subdistrict', 'community')
            """);
        cmd.Parameters.AddWithValue(RealLayers.DistrictCode);
        cmd.Parameters.AddWithValue(real.Subdistricts.Select(s => s.Code).ToArray());
        cmd.Parameters.AddWithValue(real.Communities.Select(c => c.Code).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return r.GetInt64(0) == 1 && r.GetInt64(1) == real.Subdistricts.Count && r.GetInt64(2) == real.Communities.Count && r.GetInt64(3) > 0;
    }

    /// <summary>The real shelters: no names or capacities are published, so they are "应急避难场所 N" with null
    /// capacity and area. Regions are assigned by the database trigger (a few dozen rows).</summary>
    private static async Task<int> LoadSheltersAsync(NpgsqlDataSource ds, RealLayers real, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var added = 0;
        for (var i = 0; i < real.Shelters.Count; i++)
        {
            var s = real.Shelters[i];
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes)
                VALUES ('shelter', $1, 'online', $2, $3, $4, false, $5::jsonb)
                ON CONFLICT (source, external_id) DO NOTHING
                """, conn, tx);
            cmd.Parameters.AddWithValue($"应急避难场所 {i + 1}");
            cmd.Parameters.AddWithValue(ShelterSource);
            cmd.Parameters.AddWithValue(s.ExternalId);
            cmd.Parameters.AddWithValue(GeoFactory.Point(s.Lon, s.Lat));
            cmd.Parameters.AddWithValue(AssetJson.Serialize(new ShelterAttributes(Capacity: null, AreaM2: null)));
            added += await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return added;
    }
}
