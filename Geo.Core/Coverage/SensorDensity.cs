using Geo.Core.Common;
using Npgsql;

namespace Geo.Core.Coverage;

public sealed record SensorCell(string GridCell, string Name, long Buildings, long SmokeDetectors, long GasDetectors, double? SmokePerBuilding, double? GasPerBuilding);

public sealed record SensorsResult(string? Region, long Buildings, long SmokeDetectors, long GasDetectors, double? SmokePerBuilding, double? GasPerBuilding,
    IReadOnlyList<SensorCell> GridCells);

/// <summary>Smoke and gas detectors per residential building, per grid cell, over a community, a town or one cell
/// (null: the district). Planned assets do not count.</summary>
public sealed class SensorDensity(NpgsqlDataSource db)
{
    /// <summary>Throws <see cref="GeoException"/> NotFound (naming <c>region</c>) when a region is given and no grid cell lies in it.</summary>
    public async Task<SensorsResult> PerGridCellAsync(string? region, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT g.code, g.name,
                   count(*) FILTER (WHERE a.kind = 'residential_building') AS buildings,
                   count(*) FILTER (WHERE a.kind = 'sensor' AND a.attributes->>'sensor_type' = 'smoke') AS smoke,
                   count(*) FILTER (WHERE a.kind = 'sensor' AND a.attributes->>'sensor_type' = 'gas') AS gas
            FROM regions g
            JOIN regions c ON c.id = g.parent_id
            LEFT JOIN assets a ON a.grid_cell_id = g.id AND a.status <> 'planned'
            WHERE g.level = 'grid_cell' AND ($1::text IS NULL OR c.code = $1 OR g.code = $1
                  OR c.parent_id = (SELECT id FROM regions WHERE code = $1 AND level = 'subdistrict'))
            GROUP BY g.id, g.code, g.name ORDER BY g.code LIMIT 50000
            """);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)region ?? DBNull.Value);
        var rows = new List<SensorCell>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                long b = r.GetInt64(2), s = r.GetInt64(3), ga = r.GetInt64(4);
                rows.Add(new SensorCell(r.GetString(0), r.GetString(1), b, s, ga, PerBuilding(s, b), PerBuilding(ga, b)));
            }
        }
        if (region is not null && rows.Count == 0) throw GeoException.NotFound("region", $"no region with code '{region}'");
        long buildings = rows.Sum(x => x.Buildings), smoke = rows.Sum(x => x.SmokeDetectors), gas = rows.Sum(x => x.GasDetectors);
        return new SensorsResult(region, buildings, smoke, gas, PerBuilding(smoke, buildings), PerBuilding(gas, buildings), rows);

        static double? PerBuilding(long n, long buildings) => buildings > 0 ? Math.Round((double)n / buildings, 3) : null;
    }
}
