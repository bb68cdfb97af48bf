using System.Globalization;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Places;

public sealed partial class NearbySearch
{
    /// <summary>The walking mode: candidates within the straight-line radius a walk of <see cref="NearbyRequest.Minutes"/>
    /// can cover (a walk is never shorter than the straight line), walking metres from one single-source Dijkstra from the
    /// snapped origin bounded by the same distance, ordered by walking minutes (ties by id). Places that cannot be reached
    /// within the minutes (or lie over 300 m from any street) are left out, not listed last: a resident asked for what is
    /// within a walk.</summary>
    private async Task<List<NearbyHit>> WalkAsync(NearbyRequest r, CancellationToken ct, NpgsqlDataSource? readFrom = null)
    {
        Validate(r);
        var pace = walking.Profile(r.Pace) ?? throw GeoException.BadInput("pace", $"unknown pace '{r.Pace}'; one of {string.Join(", ", walking.Profiles.Keys.Select(k => k.ToLowerInvariant()))}");
        var graph = await graphs.GetAsync(ct);
        if (graph.EdgeCount == 0)
            throw GeoException.Unavailable("network", "The walking network is empty: run ./geo network generate or ./geo network import FILE.");
        if (graph.SnapPoint(r.Lon, r.Lat, WalkingReach.MaxSnapM) is not { } origin)
            throw GeoException.Unprocessable("lon", $"no walkable street within {WalkingReach.MaxSnapM:F0} m of ({r.Lon.ToString(CultureInfo.InvariantCulture)}, {r.Lat.ToString(CultureInfo.InvariantCulture)})");
        var cutoff = r.Minutes * pace.MetresPerMinute;
        var radius = Math.Min(cutoff, r.RadiusM ?? double.MaxValue);

        var sql = new SqlParams();
        var pt = sql.Add(GeoFactory.Point(r.Lon, r.Lat), NpgsqlDbType.Geometry);
        var latP = sql.Add(r.Lat, NpgsqlDbType.Double);
        var rp = sql.Add(radius, NpgsqlDbType.Double);
        var where = new List<string> { $"t.kind = ANY({sql.Add(r.Kinds.Select(k => k.Code()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})" };
        if (r.Category is { } c) where.Add(c.Predicate(sql));
        var text = $"""
            SELECT t.id, t.name, t.kind, ST_X(p), ST_Y(p), ST_Distance(t.geom::geography, {pt}::geography)
            FROM assets t CROSS JOIN LATERAL ST_PointOnSurface(t.geom) p
            WHERE {string.Join(" AND ", where)} AND t.geom && {Expand(pt, rp, latP)} AND ST_DWithin(t.geom::geography, {pt}::geography, {rp})
            """;
        var candidates = new List<NearbyHit>();
        await using (var conn = await (readFrom ?? primary).OpenConnectionAsync(ct))
        await using (var cmd = sql.CreateCommand(conn, text))
        await using (var rd = await cmd.ExecuteReaderAsync(ct))
        {
            while (await rd.ReadAsync(ct))
                candidates.Add(new NearbyHit(rd.GetInt64(0), rd.GetString(1), rd.GetString(2), rd.GetDouble(3), rd.GetDouble(4), rd.GetDouble(5)));
        }
        using var reach = graph.Run(graph.Seeds(origin), cutoff);
        var hits = new List<NearbyHit>();
        foreach (var h in candidates)
        {
            if (ServiceReach.SnapCached(graph, h.Id, h.Lon, h.Lat) is not { } dest) continue;
            var walk = graph.CostTo(reach, origin, dest);
            if (!(walk <= cutoff)) continue;
            hits.Add(h with { WalkM = Math.Round(walk, 1), WalkMinutes = Math.Round(walk / pace.MetresPerMinute, 1) });
        }
        hits.Sort((a, b) => a.WalkM!.Value != b.WalkM!.Value ? a.WalkM.Value.CompareTo(b.WalkM.Value) : a.Id.CompareTo(b.Id));
        return hits.Count > r.Limit ? hits[..r.Limit] : hits;
    }

    /// <summary>The walking mode for the API: the ranked rows as one text value made by <paramref name="render"/>, a SELECT
    /// over <c>hits t</c> (every column of <c>assets</c> plus <c>distance_m</c>, <c>walk_m</c>, <c>minutes</c> and
    /// <c>ord</c>, the walking rank from 1).</summary>
    public async Task<string> RunWalkAsync(NearbyRequest r, string render, NpgsqlDataSource? readFrom = null, CancellationToken ct = default)
    {
        var ds = readFrom ?? primary;
        var hits = await WalkAsync(r, ct, ds);
        await using var cmd = ds.CreateCommand($"""
            WITH w AS (SELECT * FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[]) WITH ORDINALITY AS w(id, distance_m, walk_m, minutes, ord)),
            hits AS (SELECT a.*, w.distance_m, w.walk_m, w.minutes, w.ord FROM w JOIN assets a ON a.id = w.id)
            {render}
            """);
        cmd.Parameters.AddWithValue(hits.Select(h => h.Id).ToArray());
        cmd.Parameters.AddWithValue(hits.Select(h => h.DistanceM).ToArray());
        cmd.Parameters.AddWithValue(hits.Select(h => h.WalkM!.Value).ToArray());
        cmd.Parameters.AddWithValue(hits.Select(h => h.WalkMinutes!.Value).ToArray());
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
