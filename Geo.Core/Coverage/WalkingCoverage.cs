using System.Diagnostics;
using System.Text.Json.Serialization;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Core.Coverage;

/// <summary>Reach of a kind of terminal over a region's residents by walking time on the network instead of a
/// straight-line radius: rivers, rail lines and closed compounds count. One backward multi-source search
/// from every asset of the kind (see <see cref="LifeCircleAnalysis"/>) times every building at once.</summary>
public sealed class WalkingCoverage(NpgsqlDataSource db)
{
    public sealed record Result(string Region, string Kind, int Assets, double Minutes, double SpeedKmh, double CutoffM,
        long Residents, long ResidentsCovered, double ResidentShare, [property: JsonPropertyName("residents_60")] long Residents60, [property: JsonPropertyName("residents_60_covered")] long Residents60Covered, [property: JsonPropertyName("residents_60_share")] double Residents60Share,
        int BuildingsOffNetwork, double ElapsedMs);

    public async Task<Result?> ReachAsync(WalkingGraph graph, string regionCode, string kind, bool onlineOnly,
        double minutes, double speedKmh, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        if (await CoverageInputs.ResolveRegionAsync(db, regionCode, ct) is not { } region) return null;
        var cutoff = minutes * speedKmh * 1000 / 60;
        var buildings = new List<LifeCircleBuilding>();
        var share60 = new List<double>();
        await using (var cmd = db.CreateCommand("""
            SELECT a.id, ST_X(p), ST_Y(p), COALESCE((a.attributes ->> 'residents')::int, 0),
                   COALESCE(c.population_60_plus::float8 / NULLIF(c.population, 0), 0.196)
            FROM assets a
            CROSS JOIN LATERAL ST_PointOnSurface(a.geom) p
            LEFT JOIN regions c ON c.id = a.community_id
            WHERE a.kind = 'residential_building' AND ST_Intersects(a.geom, $1)
            """))
        {
            cmd.Parameters.AddWithValue(region.Wgs84);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                buildings.Add(new(r.GetInt64(0), null, r.GetInt32(3), r.GetDouble(1), r.GetDouble(2)));
                share60.Add(r.GetDouble(4));
            }
        }
        // walking is never shorter than the straight line: assets beyond the cutoff of the area's box cannot reach in
        var assets = new List<LifeCircleService>();
        var (kx, ky) = Geodesy.MetresPerDegree(region.Wgs84.Centroid.Y);
        await using (var cmd = db.CreateCommand("""
            SELECT id, ST_X(p), ST_Y(p) FROM assets CROSS JOIN LATERAL ST_PointOnSurface(geom) p
            WHERE kind = $1 AND geom && ST_Expand($2::geometry, $3) AND ($4 = false OR status = 'online') AND status <> 'planned'
            """))
        {
            cmd.Parameters.AddWithValue(kind);
            cmd.Parameters.AddWithValue(region.Wgs84.Envelope);
            cmd.Parameters.AddWithValue(cutoff / Math.Min(kx, ky));
            cmd.Parameters.AddWithValue(onlineOnly);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) assets.Add(new(r.GetInt64(0), 0, r.GetDouble(1), r.GetDouble(2)));
        }
        var nearest = LifeCircleAnalysis.NearestByElement(graph, buildings, assets, cutoff);
        double res = 0, covered = 0, res60 = 0, covered60 = 0;
        var off = 0;
        for (var b = 0; b < buildings.Count; b++)
        {
            var (n, n60) = (buildings[b].Residents, buildings[b].Residents * share60[b]);
            res += n;
            res60 += n60;
            if (graph.SnapPoint(buildings[b].Lon, buildings[b].Lat, LifeCircleAnalysis.MaxSnapM) is null) off++;
            if (nearest[b * LifeCircleAnalysis.ElementCount] > cutoff) continue;
            covered += n;
            covered60 += n60;
        }
        static double Share(double a, double b) => b > 0 ? Math.Round(a / b, 4) : 0;
        return new Result(region.Label, kind, assets.Count, minutes, speedKmh, Math.Round(cutoff, 1), (long)res, (long)covered, Share(covered, res),
            (long)Math.Round(res60), (long)Math.Round(covered60), Share(covered60, res60), off, Math.Round(sw.Elapsed.TotalMilliseconds, 1));
    }
}
