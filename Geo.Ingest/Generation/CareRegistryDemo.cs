using Geo.Core.Care;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Ingest.Generation;

/// <summary>The demo's quick-help registry: labelled synthetic households of elderly people living alone and severely
/// disabled residents in the synthetic residential buildings (about 4 per 1,000 households, so every community with
/// housing has a few), encrypted with the active key like real ones, so the reach shares, the not-reached lists and the
/// scorecard's 2.1.4 have something to show. Deterministic by seed (each building draws from its own stream); names start
/// with 【合成】 and phone numbers with the placeholder prefix 1380000; <c>synthetic = true</c> on every row. Added once:
/// a database that already holds generated households is left alone.</summary>
internal static class CareRegistryDemo
{
    public const string CreatedBy = "generator";
    public const double PerHousehold = 0.004;
    public const string NameLabel = "【合成】";

    private static readonly string[] Needs =
        ["每日送餐", "每周上门探访", "代购药品", "陪同就医", "助浴服务", "紧急呼叫设备维护", "轮椅出行协助", "代缴水电费"];

    public static async Task<int> EnsureAsync(NpgsqlDataSource ds, CareCipher cipher, int seed, CancellationToken ct)
    {
        await using (var cmd = ds.CreateCommand("SELECT EXISTS (SELECT 1 FROM care_registry WHERE synthetic AND created_by = $1)"))
        {
            cmd.Parameters.AddWithValue(CreatedBy);
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) return 0;
        }
        var buildings = new List<(long Id, long Community, double Lon, double Lat, int Households, string Name)>();
        await using (var cmd = ds.CreateCommand("""
            SELECT a.id, a.community_id, ST_X(p), ST_Y(p), coalesce((a.attributes->>'households')::int, 0), a.name
            FROM assets a CROSS JOIN LATERAL ST_PointOnSurface(a.geom) p
            WHERE a.kind = 'residential_building' AND a.synthetic AND a.community_id IS NOT NULL ORDER BY a.id
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) buildings.Add((r.GetInt64(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetInt32(4), r.GetString(5)));

        var rows = new List<(long Building, long Community, double Lon, double Lat, string Category, byte[] Name, byte[] Contact, byte[] Address, byte[] Needs)>();
        foreach (var b in buildings)
        {
            // the building's own stream: the same building gets the same households whatever else the data holds
            var rng = Prng.For(seed, "care-registry", b.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var n = (int)Math.Floor(b.Households * PerHousehold + rng.NextDouble());
            for (var i = 0; i < n; i++)
            {
                var category = rng.Chance(0.7) ? "elderly_alone" : "severely_disabled";
                var unit = $"{1 + rng.Next(4)}单元{1 + rng.Next(18)}{(1 + rng.Next(4)).ToString("D2", System.Globalization.CultureInfo.InvariantCulture)}";
                rows.Add((b.Id, b.Community, b.Lon, b.Lat, category,
                    cipher.Encrypt("name", NameLabel + SyntheticPeople.Name(rng)),
                    cipher.Encrypt("contact", SyntheticPeople.Phone(rng)),
                    cipher.Encrypt("address", $"{b.Name} {unit}"),
                    cipher.Encrypt("needs", rng.Pick(Needs))));
            }
        }
        if (rows.Count == 0) return 0;
        await using (var cmd = ds.CreateCommand("""
            INSERT INTO care_registry (community_id, building_id, geom, category, name_enc, contact_enc, address_enc, needs_enc, synthetic, created_by)
            SELECT u.c, u.b, ST_SetSRID(ST_MakePoint(u.x, u.y), 4326), u.cat, u.n, u.k, u.a, u.d, true, $10
            FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::text[], $6::bytea[], $7::bytea[], $8::bytea[], $9::bytea[])
                 AS u(b, c, x, y, cat, n, k, a, d)
            """))
        {
            cmd.Parameters.AddWithValue(rows.Select(r => r.Building).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Community).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Lon).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Lat).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Category).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Name).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Contact).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Address).ToArray());
            cmd.Parameters.AddWithValue(rows.Select(r => r.Needs).ToArray());
            cmd.Parameters.AddWithValue(CreatedBy);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // walking times at the elderly pace now, so 2.1.4 and the shares read stored values from the first request on
        var graph = await new WalkingGraphProvider(ds).GetAsync(ct);
        await CareReach.RefreshAsync(ds, graph, new WalkingOptions().Elderly, null, ct);
        return rows.Count;
    }
}
