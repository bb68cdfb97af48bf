using Geo.Core.Common;
using Geo.Core.Walking;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;
using Npgsql;

namespace Geo.Core.Public;

public sealed record PublicPlace(long Id, string Kind, string Name, string Element, double Lon, double Lat, double? Minutes, double? DistanceM);

public sealed record WalkBand(int Minutes, Geometry Polygon);

public sealed record CommunityEmbedView(string Code, string Name, bool Synthetic, Geometry Outline, double CentreLon, double CentreLat,
    WalkingProfile Profile, IReadOnlyList<WalkBand> Bands, IReadOnlyList<PublicPlace> Services, int ServicesTotal, PublicPlace? NearestShelter,
    string? Query, bool OnNetwork);

/// <summary>What a community website embeds (2.1.2): the community's outline, what is within 5/10/15 minutes' walk of its
/// centre on the walking network (bands and services), a search over those services, and the nearest shelter by walking.
/// Public data only (no cameras, sensors or persons).</summary>
public sealed class CommunityEmbed(NpgsqlDataSource ds, WalkingGraphProvider graphs, WalkingOptions walking)
{
    public static readonly int[] Bands = [5, 10, 15];
    public const int MaxQuery = 50, MaxServices = 200;
    /// <summary>How far the nearest shelter is looked for on the network before falling back to the straight line.</summary>
    public const int ShelterMinutes = 60;

    public static string CheckCode(string code) =>
        code.Length is > 0 and <= 32 && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? code : throw GeoException.BadInput("code", "a community code is letters, digits and '-' (at most 32)");

    public async Task<CommunityEmbedView> LoadAsync(string code, string? query, bool elderly, CancellationToken ct)
    {
        CheckCode(code);
        query = query?.Trim();
        if (query is { Length: > MaxQuery }) throw GeoException.BadInput("q", $"at most {MaxQuery} characters");
        if (query is { Length: 0 }) query = null;
        string name; bool synthetic; Geometry outline; double lon, lat;
        await using (var cmd = ds.CreateCommand("""
            SELECT name, synthetic, ST_ReducePrecision(ST_SimplifyPreserveTopology(geom, 0.00003), 0.00001), ST_X(p), ST_Y(p)
            FROM regions CROSS JOIN LATERAL ST_PointOnSurface(geom) p WHERE level = 'community' AND code = $1
            """))
        {
            cmd.Parameters.AddWithValue(code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw GeoException.NotFound("code", $"no community {code}");
            (name, synthetic, outline, lon, lat) = (r.GetString(0), r.GetBoolean(1), r.GetFieldValue<Geometry>(2), r.GetDouble(3), r.GetDouble(4));
        }
        var profile = elderly ? walking.Elderly : walking.Adult;
        var g = await graphs.GetAsync(ct);
        if (g.EdgeCount == 0 || g.SnapPoint(lon, lat, 1000) is not { } origin)
            return new CommunityEmbedView(code, name, synthetic, outline, lon, lat, profile, [], [], 0,
                await PublicPlaces.StraightLineAsync(ds, lon, lat, "shelter", 1, ct) is [var s, ..] ? s : null, query, false);

        var cutoff = Bands[^1] * profile.MetresPerMinute;
        List<ReachableService> services;
        IReadOnlyList<WalkBand> bands;
        using (var reach = g.Run(g.Seeds(origin), cutoff))
        {
            bands = [.. new IsochroneBuilder(walking.CorridorM).BuildBands(reach, origin, [.. Bands.Select(m => (m, m * profile.MetresPerMinute))])
                .Select(b => new WalkBand(b.Minutes, Light(b.Polygon)))];
            services = await ServiceReach.FindAsync(ds, reach, origin, cutoff, profile.MetresPerMinute, null, ct);
        }
        // daily life only: shelters and civil-defence sites are safety places, shown apart
        var matching = services.Where(s => s.Kind is not ("shelter" or "civil_defence") && Matches(s, query)).ToList();
        var shelter = (await PublicPlaces.ByWalkAsync(ds, g, origin, profile, ShelterMinutes, "shelter", 1, ct)).FirstOrDefault()
            ?? (await PublicPlaces.StraightLineAsync(ds, lon, lat, "shelter", 1, ct)).FirstOrDefault();
        return new CommunityEmbedView(code, name, synthetic, outline, lon, lat, profile, bands,
            [.. matching.Take(MaxServices).Select(s => new PublicPlace(s.Id, s.Kind, s.Name, s.Element, s.Lon, s.Lat, s.Minutes, s.WalkM))],
            matching.Count, shelter, query, true);
    }

    /// <summary>A band light enough for a phone: about 4 m of simplification and coordinates on a 1 m grid (5 decimals).</summary>
    public static Geometry Light(Geometry g) =>
        NetTopologySuite.Precision.GeometryPrecisionReducer.Reduce(TopologyPreservingSimplifier.Simplify(g, 0.00004), new PrecisionModel(1e5));

    /// <summary>A service matches a search by name, kind code or life element (case-insensitive), or by the Chinese kind name.</summary>
    private static bool Matches(ReachableService s, string? q) =>
        q is null || s.Name.Contains(q, StringComparison.OrdinalIgnoreCase) || s.Kind.Contains(q, StringComparison.OrdinalIgnoreCase)
        || s.Element.Equals(q, StringComparison.OrdinalIgnoreCase) || PublicPlaces.KindNameZh(s.Kind).Contains(q, StringComparison.Ordinal);
}

/// <summary>Nearest public places (shelters, civil-defence sites) by walking time, or by straight line when off the network.</summary>
public static class PublicPlaces
{
    /// <summary>The whole minutes a page shows for a walking time (at least 1): the page and the API say the same.</summary>
    public static int ShownMinutes(double minutes) => (int)Math.Max(1, Math.Round(minutes));

    public static string KindNameZh(string kind) =>
        Domain.AssetKinds.All.Where(k => Domain.AssetKinds.Code(k) == kind).Select(Domain.AssetKinds.NameZh).FirstOrDefault() ?? kind;

    public static async Task<List<PublicPlace>> ByWalkAsync(NpgsqlDataSource ds, WalkingGraph g, Snap origin, WalkingProfile profile, int minutes,
        string kind, int take, CancellationToken ct)
    {
        var cutoff = minutes * profile.MetresPerMinute;
        using var reach = g.Run(g.Seeds(origin), cutoff);
        var found = await ServiceReach.FindAsync(ds, reach, origin, cutoff, profile.MetresPerMinute, kind, ct);
        return [.. found.Where(s => s.Kind == kind).Take(take).Select(s => new PublicPlace(s.Id, s.Kind, s.Name, s.Element, s.Lon, s.Lat, s.Minutes, s.WalkM))];
    }

    /// <summary>KNN candidates by the index, ordered by geodesic metres; no walking time.</summary>
    public static async Task<List<PublicPlace>> StraightLineAsync(NpgsqlDataSource ds, double lon, double lat, string kind, int take, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand("""
            SELECT id, name, ST_X(p), ST_Y(p), ST_Distance(p::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d
            FROM (SELECT id, name, ST_PointOnSurface(geom) p FROM assets WHERE kind = $3 AND status <> 'planned'
                  ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 20) c
            ORDER BY d LIMIT $4
            """);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(take);
        var list = new List<PublicPlace>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new PublicPlace(r.GetInt64(0), kind, r.GetString(1), "other", r.GetDouble(2), r.GetDouble(3), null, Math.Round(r.GetDouble(4), 1)));
        return list;
    }
}
