using Geo.Core.Common;
using Geo.Core.Crs;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Core.Coverage;

/// <summary>How far a kind of terminal reaches in a straight line by default, and whether its users are the
/// residents aged 60+ (kiosks for elderly residents) rather than all residents.</summary>
public sealed record ReachRule(double DefaultRadiusM, bool Elderly);

public static class ReachRules
{
    public static IReadOnlyDictionary<string, ReachRule> All { get; } = new Dictionary<string, ReachRule>
    {
        ["display_screen"] = new(500, false),
        ["kiosk"] = new(500, true),
        ["payment_terminal"] = new(800, false),
        ["service_station"] = new(1000, false),
        ["shelter"] = new(1500, false),
        ["wifi_hotspot"] = new(50, false),
    };

    public static ReachRule Get(string? kind, string parameter = "kind") =>
        kind is not null && All.TryGetValue(kind, out var rule) ? rule : throw GeoException.BadInput(parameter, $"one of {string.Join(", ", All.Keys)}");
}

/// <summary>A planning question: where should the next <see cref="K"/> sites of <see cref="Kind"/> go in a region?
/// Candidates are the grid cells' points on surface (default), the residential buildings, or given points.</summary>
public sealed record SuggestRequest(string? Kind = null, string? Region = null, int? K = null, double? RadiusM = null, string? Candidates = null, double[][]? Points = null);

public sealed record SuggestResult(string Kind, string Region, double RadiusM, string Basis, SiteSuggester.Plan Plan);

/// <summary>Site suggestion as one use case for the API (POST /api/coverage/suggest) and the planner view.</summary>
public sealed class SiteSuggestion(NpgsqlDataSource db)
{
    public async Task<SuggestResult> SuggestAsync(SuggestRequest r, CancellationToken ct = default)
    {
        var kind = r.Kind ?? "wifi_hotspot";
        var rule = ReachRules.Get(kind);
        var k = r.K ?? 5;
        if (k < 1 || k > CoverageLimits.MaxSuggestK) throw GeoException.BadInput("k", $"must be in [1, {CoverageLimits.MaxSuggestK}]");
        var radius = r.RadiusM ?? (kind == "wifi_hotspot" ? 100 : rule.DefaultRadiusM);
        CoverageLimits.CheckRadius("radius_m", radius);
        var code = r.Region ?? CoverageInputs.UrbanArea;
        var region = await CoverageInputs.ResolveRegionAsync(db, code, ct) ?? throw GeoException.NotFound("region", $"no region with code '{code}'");
        var area = region.Wgs84;
        var existing = await CoverageInputs.LoadDisksAsync(db, area, kind, true, kind == "wifi_hotspot" ? "coverage_radius_m" : null, radius, ct);
        var buildings = await CoverageInputs.LoadResidentsAsync(db, area, ct);
        List<SiteSuggester.Candidate> candidates;
        switch (r.Candidates ?? "grid")
        {
            case "grid":
                candidates = await GridCandidatesAsync(db, area, ct);
                break;
            case "buildings":
                candidates = buildings.Select((b, i) => new SiteSuggester.Candidate(b.X, b.Y, $"building #{i + 1}")).ToList();
                break;
            case "points":
                if (r.Points is not { Length: > 0 } pts || pts.Length > CoverageLimits.MaxCandidatePoints
                    || pts.Any(p => p is not { Length: 2 } || !GeoFactory.DistrictExtent.Contains(p[0], p[1])))
                    throw GeoException.BadInput("points", $"1–{CoverageLimits.MaxCandidatePoints:N0} [lon, lat] pairs inside Tongzhou");
                candidates = pts.Select((p, i) => { var (x, y) = GeoMetric.ToMetric(p[0], p[1]); return new SiteSuggester.Candidate(x, y, $"point #{i + 1}"); }).ToList();
                break;
            default:
                throw GeoException.BadInput("candidates", "one of grid, buildings, points");
        }
        if (candidates.Count > CoverageLimits.MaxCandidates)
            throw GeoException.BadInput("candidates", $"{candidates.Count} candidates (at most {CoverageLimits.MaxCandidates:N0}): choose a smaller region");
        var plan = SiteSuggester.Suggest(existing, buildings, candidates, radius, k, rule.Elderly);
        return new SuggestResult(kind, region.Label, radius, rule.Elderly ? "residents_60" : "residents", plan);
    }

    /// <summary>Grid-cell points on surface inside the area: the default candidate sites.</summary>
    public static async Task<List<SiteSuggester.Candidate>> GridCandidatesAsync(NpgsqlDataSource db, Geometry area, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT code, ST_X(p), ST_Y(p) FROM regions CROSS JOIN LATERAL ST_PointOnSurface(geom) p
            WHERE level = 'grid_cell' AND ST_Intersects(p, $1) ORDER BY code
            """);
        cmd.Parameters.AddWithValue(area);
        var list = new List<SiteSuggester.Candidate>();
        await using var rd = await cmd.ExecuteReaderAsync(ct);
        while (await rd.ReadAsync(ct))
        {
            var (x, y) = GeoMetric.ToMetric(rd.GetDouble(1), rd.GetDouble(2));
            list.Add(new SiteSuggester.Candidate(x, y, "grid cell " + rd.GetString(0)));
        }
        return list;
    }
}
