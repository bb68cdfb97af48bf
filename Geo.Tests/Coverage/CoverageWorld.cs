using Npgsql;

namespace Geo.Tests.Coverage;

/// <summary>Inserts assets for coverage tests with plain SQL (the database assigns communities and cells).</summary>
internal static class CoverageWorld
{
    public static async Task AddAsync(NpgsqlDataSource ds, string kind, string id, double lon, double lat, string attributesJson, string status = "online")
    {
        await using var cmd = ds.CreateCommand("""
            INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes)
            VALUES ($1, $2, $3, 'test', $2, ST_SetSRID(ST_MakePoint($4, $5), 4326), true, $6::jsonb)
            """);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddWithValue(attributesJson);
        await cmd.ExecuteNonQueryAsync();
    }

    public static Task HotspotAsync(NpgsqlDataSource ds, string id, double lon, double lat, double radius, string status = "online") =>
        AddAsync(ds, "wifi_hotspot", id, lon, lat, $$"""{"kind":"wifi_hotspot","ssid":"Tongzhou-Free","coverage_radius_m":{{radius}}}""", status);

    public static Task BuildingAsync(NpgsqlDataSource ds, string id, double lon, double lat, int residents) =>
        AddAsync(ds, "residential_building", id, lon, lat, $$"""{"kind":"residential_building","households":{{residents / 3}},"residents":{{residents}}}""");

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource ds, string sql, params object[] args)
    {
        await using var cmd = ds.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
