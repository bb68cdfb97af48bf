using Geo.Core.Crs;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using Npgsql;

namespace Geo.Core.Coverage;

/// <summary>Shelter capacity against the residents who would go there: every residential building sends
/// its residents to the nearest shelter within the threshold; a shelter over capacity leaves the excess
/// unsheltered, shared pro rata among the buildings assigned to it. Capacity comes from the attribute,
/// else from the area at 2 m² per person (the national guideline's upper figure), else it is unknown and
/// those residents are reported apart rather than guessed.</summary>
public sealed class ShelterAnalysis(NpgsqlDataSource db)
{
    public const double SquareMetresPerPerson = 2.0;

    public sealed record CommunityShelter(long CommunityId, string Code, string Name, long Residents, long WithinReach,
        long UnknownCapacity, long Deficit, double DeficitShare);

    public async Task<List<CommunityShelter>> PerCommunityAsync(double thresholdM, CancellationToken ct)
    {
        var shelters = new List<(double X, double Y, double? Capacity)>();
        await using (var cmd = db.CreateCommand("""
            SELECT ST_X(p), ST_Y(p), COALESCE((attributes->>'capacity')::float8, (attributes->>'area_m2')::float8 / $1)
            FROM assets CROSS JOIN LATERAL ST_PointOnSurface(geom) p
            WHERE kind = 'shelter' AND status <> 'planned'
            """))
        {
            cmd.Parameters.AddWithValue(SquareMetresPerPerson);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var (x, y) = GeoMetric.ToMetric(r.GetDouble(0), r.GetDouble(1));
                shelters.Add((x, y, r.IsDBNull(2) ? null : r.GetDouble(2)));
            }
        }
        var communities = new Dictionary<long, (string Code, string Name)>();
        await using (var cmd = db.CreateCommand("SELECT id, code, name FROM regions WHERE level = 'community'"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) communities[r.GetInt64(0)] = (r.GetString(1), r.GetString(2));

        var district = Geo.Core.Spatial.GeoFactory.Wgs84.ToGeometry(Geo.Core.Spatial.GeoFactory.DistrictExtent);
        var buildings = await CoverageInputs.LoadResidentsAsync(db, district, ct);
        return Assign(shelters, buildings, thresholdM)
            .Where(kv => communities.ContainsKey(kv.Key))
            .Select(kv =>
            {
                var (code, name) = communities[kv.Key];
                var v = kv.Value;
                return new CommunityShelter(kv.Key, code, name, v.Residents, v.WithinReach, (long)v.Unknown, (long)Math.Round(v.Deficit),
                    v.Residents > 0 ? Math.Round(v.Deficit / v.Residents, 4) : 0);
            })
            .OrderByDescending(c => c.DeficitShare).ThenBy(c => c.Code).ToList();
    }

    internal sealed class Tally { public long Residents; public long WithinReach; public double Unknown; public double Deficit; }

    internal static Dictionary<long, Tally> Assign(IReadOnlyList<(double X, double Y, double? Capacity)> shelters,
        IReadOnlyList<CoverageInputs.Building> buildings, double thresholdM)
    {
        var index = new STRtree<int>();
        for (var i = 0; i < shelters.Count; i++) index.Insert(new Envelope(shelters[i].X, shelters[i].X, shelters[i].Y, shelters[i].Y), i);
        var assigned = new int[buildings.Count];
        var load = new double[shelters.Count];
        for (var b = 0; b < buildings.Count; b++)
        {
            var (x, y) = (buildings[b].X, buildings[b].Y);
            var best = -1; var bestD = thresholdM * thresholdM;
            foreach (var s in index.Query(new Envelope(x - thresholdM, x + thresholdM, y - thresholdM, y + thresholdM)))
            {
                var d = (shelters[s].X - x) * (shelters[s].X - x) + (shelters[s].Y - y) * (shelters[s].Y - y);
                if (d <= bestD && (best < 0 || d < bestD || s < best)) { best = s; bestD = d; }
            }
            assigned[b] = best;
            if (best >= 0) load[best] += buildings[b].Residents;
        }
        var tallies = new Dictionary<long, Tally>();
        for (var b = 0; b < buildings.Count; b++)
        {
            if (buildings[b].CommunityId is not { } cid) continue;
            if (!tallies.TryGetValue(cid, out var t)) tallies[cid] = t = new Tally();
            var n = buildings[b].Residents;
            t.Residents += n;
            var s = assigned[b];
            if (s < 0) { t.Deficit += n; continue; }
            t.WithinReach += n;
            if (shelters[s].Capacity is not { } cap) { t.Unknown += n; continue; }
            if (load[s] > cap) t.Deficit += n * (load[s] - cap) / load[s];
        }
        return tallies;
    }
}

