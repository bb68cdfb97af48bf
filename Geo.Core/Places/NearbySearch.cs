using System.Globalization;
using System.Text.Json;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Places;

/// <summary>A nearby question: the nearest <see cref="Limit"/> assets of <see cref="Kinds"/> to a point (lon/lat,
/// EPSG:4326), optionally only one <see cref="PlaceCategory"/> (a 附近 chip) and only within <see cref="RadiusM"/> metres.
/// With a <see cref="Pace"/> (adult|elderly) the order is walking minutes on the network within <see cref="Minutes"/>.</summary>
public sealed record NearbyRequest(double Lon, double Lat, IReadOnlyList<AssetKind> Kinds, PlaceCategory? Category = null, double? RadiusM = null, int Limit = 10,
    string? Pace = null, int Minutes = NearbySearch.DefaultWalkMinutes);

/// <summary>One answer row: <see cref="Lon"/>/<see cref="Lat"/> are a point on the asset (on its surface for polygons);
/// <see cref="WalkM"/> and <see cref="WalkMinutes"/> only when walking.</summary>
public sealed record NearbyHit(long Id, string Name, string Kind, double Lon, double Lat, double DistanceM, double? WalkM = null, double? WalkMinutes = null);

/// <summary>Nearest assets by true geodesic distance (WGS84 ellipsoid, metres), or by walking time on the network, for
/// /api/nearby and the map's "附近" list alike: both run this code, so they rank the same rows in the same order.</summary>
public sealed partial class NearbySearch(NpgsqlDataSource primary, WalkingGraphProvider graphs, WalkingOptions walking)
{
    public const int MaxLimit = 100;
    public const double MaxRadiusM = 50_000;
    public const int DefaultWalkMinutes = 30;
    public const int MaxWalkMinutes = 60;

    /// <summary>Checks the request's bounds; throws <see cref="GeoException"/> naming the parameter.</summary>
    public static void Validate(NearbyRequest r)
    {
        if (!double.IsFinite(r.Lon) || r.Lon is < -180 or > 180) throw GeoException.BadInput("lon", "'lon' must be a longitude in [-180, 180]");
        if (!double.IsFinite(r.Lat) || r.Lat is < -90 or > 90) throw GeoException.BadInput("lat", "'lat' must be a latitude in [-90, 90]");
        if (r.Limit is < 1 or > MaxLimit) throw GeoException.BadInput("limit", $"'limit' must be between 1 and {MaxLimit}, got {r.Limit}");
        if (r.RadiusM is { } m && (!double.IsFinite(m) || m < 1 || m > MaxRadiusM))
            throw GeoException.BadInput("radius_m", $"'radius_m' must be in [1, {MaxRadiusM.ToString(CultureInfo.InvariantCulture)}] metres");
        if (r.Kinds.Count == 0) throw GeoException.BadInput("kinds", "'kinds' is empty");
        if (r.Minutes is < 1 or > MaxWalkMinutes) throw GeoException.BadInput("minutes", $"'minutes' must be between 1 and {MaxWalkMinutes}, got {r.Minutes}");
    }

    /// <summary>The ranked rows, nearest first (ties by id).</summary>
    public async Task<List<NearbyHit>> FindAsync(NearbyRequest r, CancellationToken ct = default)
    {
        if (r.Pace is not null) return await WalkAsync(r, ct);
        const string render = """
            SELECT COALESCE(json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind,
                       'lon', ST_X(ST_PointOnSurface(t.geom)), 'lat', ST_Y(ST_PointOnSurface(t.geom)), 'distance_m', t.distance_m)
                   ORDER BY t.distance_m, t.id), '[]')::text
            FROM hits t
            """;
        var json = await RunAsync(r, render, ct: ct);
        return JsonSerializer.Deserialize<List<NearbyHit>>(json, HitJson) ?? [];
    }

    private static readonly JsonSerializerOptions HitJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Runs the ranking and returns the one text value <paramref name="render"/> makes of the ranked
    /// rows. <paramref name="render"/> is a SELECT over <c>hits t</c> (every column of <c>assets</c> plus
    /// <c>distance_m</c>); it must not take parameters of its own.
    /// <para>Exact geodesic top n in one index-ordered pass: KNN (geom &lt;-&gt; point) fetches m = 2n + 8
    /// planar candidates; their geodesic distances are ranked. That ranking is provably the true geodesic top n
    /// when either every match is a candidate, or the n-th geodesic distance is below a lower bound on the
    /// geodesic distance of every non-candidate: a non-candidate is at least D (the m-th planar distance, in
    /// degrees) away in lon/lat, and a degree is at least min(110,574 m, 111,319 m × cos φmax) along any path
    /// whose latitude stays under φmax = |lat| + 1.1 D + 0.01° (meridian and parallel radii of curvature of the
    /// WGS84 ellipsoid; the 0.1 D + 0.01° covers a geodesic's poleward bulge), less 0.1 % for rounding. At
    /// Tongzhou (40°N) that is 85 km per degree against up to 111 km for the candidates, so m ≈ 1.7 n suffices
    /// on evenly spread assets. When the proof fails (clustered data) the slower two-pass query answers.</para></summary>
    /// <param name="readFrom">where this request may read (the API's lag-tolerant routing to a standby); null: the primary</param>
    public async Task<string> RunAsync(NearbyRequest r, string render, NpgsqlDataSource? readFrom = null, CancellationToken ct = default)
    {
        var ds = readFrom ?? primary;
        Validate(r);
        var sql = new SqlParams();
        var pt = sql.Add(GeoFactory.Point(r.Lon, r.Lat), NpgsqlDbType.Geometry);
        var latP = sql.Add(r.Lat, NpgsqlDbType.Double);
        var where = new List<string> { $"t.kind = ANY({sql.Add(r.Kinds.Select(k => k.Code()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})" };
        if (r.Category is { } c) where.Add(c.Predicate(sql));
        if (r.RadiusM is { } radius)
        {
            var rp = sql.Add(radius, NpgsqlDbType.Double);
            where.Add($"t.geom && {Expand(pt, rp, latP)} AND ST_DWithin(t.geom::geography, {pt}::geography, {rp})");
        }
        var w = string.Join(" AND ", where);
        // LIMITs are validated integers inlined as literals: a prepared statement's generic plan would otherwise
        // have to guess them (PostgreSQL assumes 10 % of the table for LIMIT $n)
        var n = r.Limit.ToString(CultureInfo.InvariantCulture);
        var m = Candidates(r.Limit).ToString(CultureInfo.InvariantCulture);
        var onePass = $$"""
            WITH cand AS (
                SELECT t.*, t.geom <-> {{pt}} AS dp FROM assets t WHERE {{w}} ORDER BY t.geom <-> {{pt}} LIMIT {{m}}),
            hits AS (
                SELECT c.*, ST_Distance(c.geom::geography, {{pt}}::geography) AS distance_m FROM cand c ORDER BY distance_m, c.id LIMIT {{n}}),
            proof AS (SELECT count(*) AS cnt, max(dp) AS dmax FROM cand)
            SELECT proof.cnt < {{m}} OR (proof.dmax < 10 AND (SELECT max(distance_m) FROM hits)
                     < proof.dmax * least(110574.0, 111319.49 * cos(radians(least(89.9, abs({{latP}}) + 1.1 * proof.dmax + 0.01)))) * 0.999),
                   ({{render}})
            FROM proof
            """;
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var cmd = sql.CreateCommand(conn, onePass);
        // prepared: the text depends only on the request's shape (kinds/category/radius given or not), so each
        // pooled connection plans it once; PostgreSQL keeps the statement, later Prepare calls are lookups
        await cmd.PrepareAsync(ct);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            if (reader.GetBoolean(0)) return reader.GetString(1);
        }
        // not provable from the candidates: bound every geodesic top-n member by the candidates' largest
        // geodesic distance and re-rank everything inside it (padded: ST_DWithin and ST_Distance round differently)
        var twoPass = $$"""
            WITH cand AS (
                SELECT ST_Distance(t.geom::geography, {{pt}}::geography) AS d FROM assets t
                WHERE {{w}} ORDER BY t.geom <-> {{pt}} LIMIT {{n}}),
            bound AS (SELECT max(d) * 1.000001 + 0.001 AS d FROM cand),
            hits AS (
                SELECT t.*, ST_Distance(t.geom::geography, {{pt}}::geography) AS distance_m FROM assets t, bound
                WHERE bound.d IS NOT NULL AND {{w}} AND t.geom && {{Expand(pt, "bound.d", latP)}}
                  AND ST_DWithin(t.geom::geography, {{pt}}::geography, bound.d)
                ORDER BY distance_m, t.id LIMIT {{n}})
            {{render}}
            """;
        await using var slow = sql.CreateCommand(conn, twoPass);
        return (string)(await slow.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Planar KNN candidates fetched for a geodesic top <paramref name="n"/> (see <see cref="RunAsync"/>).</summary>
    public static int Candidates(int n) => 2 * n + 8;

    /// <summary>A box around a point that contains every geometry within the given metres (a slightly
    /// generous degree conversion), so the GiST index bounds the geodesic check.</summary>
    private static string Expand(string pt, string metres, string lat) =>
        $"ST_Expand({pt}, {metres} / (110000.0 * cos(radians(least(89.0, abs({lat}) + {metres} / 110000.0)))), {metres} / 110000.0)";
}
