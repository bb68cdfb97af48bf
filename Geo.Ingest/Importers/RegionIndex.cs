using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using Npgsql;

namespace Geo.Ingest.Importers;

/// <summary>The regions an import checks against, loaded once per import: the district outline (when the
/// regions table has one) and an STRtree of grid cells. Assigning grid cell and community here, row by
/// row while the file streams, saves the database trigger two index probes per row on big files; the
/// trigger stays the fallback for rows we leave unassigned. The rule is the trigger's: the lowest-id grid
/// cell intersecting the point (or a point on the surface), and that cell's parent community.</summary>
public sealed class RegionIndex
{
    private readonly STRtree<Cell> _cells = new();
    private readonly IPreparedGeometry? _district;

    private sealed record Cell(long Id, long CommunityId, IPreparedGeometry Geom);

    private RegionIndex(IPreparedGeometry? district) => _district = district;

    public int CellCount { get; private set; }

    public bool HasDistrict => _district is not null;

    public static async Task<RegionIndex> LoadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        Geometry? district = null;
        await using (var cmd = new NpgsqlCommand("SELECT ST_Union(geom) FROM regions WHERE level = 'district'", conn))
        {
            if (await cmd.ExecuteScalarAsync(ct) is Geometry g) district = g;
        }
        var index = new RegionIndex(district is null ? null : PreparedGeometryFactory.Prepare(district));
        await using (var cmd = new NpgsqlCommand("SELECT id, parent_id, geom FROM regions WHERE level = 'grid_cell' AND parent_id IS NOT NULL", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var geom = r.GetFieldValue<Geometry>(2);
                index._cells.Insert(geom.EnvelopeInternal, new Cell(r.GetInt64(0), r.GetInt64(1), PreparedGeometryFactory.Prepare(geom)));
                index.CellCount++;
            }
        }
        index._cells.Build();
        return index;
    }

    /// <summary>True when there is no district outline to check against, or <paramref name="g"/> touches it.</summary>
    public bool InsideDistrict(Geometry g) => _district is null || _district.Intersects(g);

    public (long CommunityId, long GridCellId)? Locate(Geometry g)
    {
        if (CellCount == 0) return null;
        var probe = g is Point ? g : g.InteriorPoint;
        Cell? best = null;
        foreach (var c in _cells.Query(probe.EnvelopeInternal))
        {
            if ((best is null || c.Id < best.Id) && c.Geom.Intersects(probe)) best = c;
        }
        return best is null ? null : (best.CommunityId, best.Id);
    }

    public static Envelope Extent => GeoFactory.DistrictExtent;
}
