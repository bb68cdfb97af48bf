using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Coverage;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Geo.Api;

/// <summary>The walking-time variant of /api/coverage/reach (mode=walk), apart from the straight-line handlers.</summary>
public static partial class CoverageApi
{
    /// <summary>Walking-time reach when the walking graph is available; otherwise the straight-line radius the
    /// same time covers at the same pace, saying so in distance_basis.</summary>
    private static async Task<Ok<WalkReachResult>> WalkReach(ReachQuery q, CoverageEngine engine, WalkingCoverage walkCoverage, WalkingGraphProvider graphs,
        WalkingOptions walking, CancellationToken ct)
    {
        var rule = ReachRules.Get(q.Kind);
        var minutes = QueryValues.Double("minutes", q.Minutes, 15, min: 0.1, max: CoverageLimits.MaxWalkMinutes);
        var name = q.Profile ?? (rule.Elderly ? "elderly" : "adult");
        var profile = walking.Profile(name) ?? throw GeoException.BadInput("profile", $"one of {string.Join(", ", walking.Profiles.Keys)}");
        var code = q.Region ?? CoverageInputs.UrbanArea;
        var online = QueryValues.Boolean("online_only", q.OnlineOnly) ?? false;
        WalkingGraph? graph;
        try
        {
            graph = await graphs.GetAsync(ct);
        }
        catch (NpgsqlException)
        {
            graph = null; // fall back to straight lines below
        }
        if (graph is { EdgeCount: > 0 })
        {
            var walk = await walkCoverage.ReachAsync(graph, code, q.Kind!, online, minutes, profile.SpeedKmh, ct)
                ?? throw UnknownRegion(code);
            return TypedResults.Ok(new WalkReachResult("walking network", profile.Name, null, walk, null));
        }
        var radius = minutes * profile.MetresPerMinute;
        var res = await engine.DisksAsync(code, q.Kind!, online, null, radius, false, ct) ?? throw UnknownRegion(code);
        return TypedResults.Ok(new WalkReachResult("straight line (no walking network loaded)", profile.Name, Math.Round(radius, 1), null,
            Shape(res, rule.Elderly ? "residents_60" : "residents")));
    }
}
