using Geo.Core.Domain;
using Geo.Core.Spatial;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Places;

public sealed record PlaceRef(long Id, string Code, string Name, string? UnitType, int Population, bool Synthetic);

public sealed record GridCellRef(long Id, string Code, string Name, string? GridManager, string? GridManagerPhone, long? CommunityId, bool Synthetic);

/// <summary>"Where am I": the district, subdistrict/town, community and grid cell at a point. "Outside
/// Tongzhou" is an answer (<see cref="Inside"/> false with a message), not an error.</summary>
public sealed record Location(double Lon, double Lat, bool Inside, string? Message,
    PlaceRef? District, PlaceRef? Subdistrict, PlaceRef? Community, GridCellRef? GridCell);

/// <summary>The one point-in-region rule: /api/locate, the map's click popup and case intake all ask here.
/// A point on a shared boundary belongs to the region with the smaller id (deterministic, never two).</summary>
public sealed class RegionLocator(NpgsqlDataSource ds)
{
    public const string OutsideMessage = "outside Tongzhou District (通州区外)";

    public async Task<Location> LocateAsync(double lon, double lat, CancellationToken ct = default)
    {
        await using var conn = await ds.OpenConnectionAsync(ct);
        return await LocateAsync(conn, lon, lat, ct);
    }

    /// <summary>A region's bounding box (lon/lat), for fitting a map to it; null when there is no such region.</summary>
    public async Task<(double MinLon, double MinLat, double MaxLon, double MaxLat)?> ExtentAsync(long regionId, CancellationToken ct = default)
    {
        await using var cmd = ds.CreateCommand("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM regions WHERE id = $1");
        cmd.Parameters.AddWithValue(regionId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3)) : null;
    }

    /// <summary>A point inside a community (on its surface, never outside a concave outline), for flying a map to it.</summary>
    public async Task<(double Lon, double Lat)?> CommunityPointAsync(string code, CancellationToken ct = default)
    {
        await using var cmd = ds.CreateCommand("SELECT ST_X(p), ST_Y(p) FROM regions CROSS JOIN LATERAL ST_PointOnSurface(geom) p WHERE code = $1 AND level = 'community'");
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetDouble(0), r.GetDouble(1)) : null;
    }

    public static async Task<Location> LocateAsync(NpgsqlConnection conn, double lon, double lat, CancellationToken ct = default)
    {
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || !GeoFactory.DistrictExtent.Contains(lon, lat))
        {
            return new Location(lon, lat, false, OutsideMessage, null, null, null, null);
        }
        await using var cmd = new NpgsqlCommand("""
            SELECT DISTINCT ON (level) level, id, code, name, unit_type, grid_manager, grid_manager_phone, population, synthetic, parent_id
            FROM regions WHERE ST_Intersects(geom, $1) ORDER BY level, id
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = GeoFactory.Point(lon, lat), NpgsqlDbType = NpgsqlDbType.Geometry });
        PlaceRef? district = null, subdistrict = null, community = null;
        GridCellRef? cell = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var level = r.GetString(0);
                string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                var population = r.IsDBNull(7) ? 0 : r.GetInt32(7);
                var region = new PlaceRef(r.GetInt64(1), r.GetString(2), r.GetString(3), S(4), population, r.GetBoolean(8));
                if (level == RegionLevel.District.Code()) district = region;
                else if (level == RegionLevel.Subdistrict.Code()) subdistrict = region;
                else if (level == RegionLevel.Community.Code()) community = region;
                else if (level == RegionLevel.GridCell.Code())
                    cell = new GridCellRef(region.Id, region.Code, region.Name, S(5), S(6), r.IsDBNull(9) ? null : r.GetInt64(9), region.Synthetic);
            }
        }
        return district is null
            ? new Location(lon, lat, false, OutsideMessage, null, null, null, null)
            : new Location(lon, lat, true, null, district, subdistrict, community, cell);
    }
}
