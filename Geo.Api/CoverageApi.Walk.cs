using Geo.Core.Coverage;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Geo.Api;

/// <summary>The walking-time variant of /api/coverage/reach (mode=walk), apart from the straight-line handlers.</summary>
public static partial class CoverageApi
{
    /// <summary>Walking-time reach when the walking graph is available; otherwise the straight-line radius the
    /// same time covers at the same pace, saying so in distance_basis.</summary>
    private static async Task<Results<Ok<object>, ProblemHttpResult, ValidationProblem>> WalkReach(ReachQuery q, bool elderly, string code,
        NpgsqlDataSource db, IServiceProvider sp, IConfiguration config, CancellationToken ct)
    {
        var minutes = q.Minutes ?? 15;
        if (minutes is <= 0 or > 30 || double.IsNaN(minutes)) return Invalid("minutes", "must be in (0, 30]");
        var profile = q.Profile ?? (elderly ? "elderly" : "adult");
        if (profile is not ("adult" or "elderly")) return Invalid("profile", "adult or elderly");
        var speed = config.GetValue($"Walking:Profiles:{profile}", profile == "elderly" ? 3.0 : 4.5);
        WalkingGraph? graph = null;
        if (sp.GetService<WalkingGraphProvider>() is { } graphs)
        {
            try
            {
                graph = await graphs.GetAsync(ct);
            }
            catch (NpgsqlException)
            {
                graph = null; // fall back to straight lines below
            }
        }
        if (graph is { EdgeCount: > 0 })
        {
            var walk = await WalkingCoverage.ReachAsync(db, graph, code, q.Kind!, q.OnlineOnly ?? false, minutes, speed, ct);
            return walk is null ? UnknownRegion(code) : TypedResults.Ok<object>(new
            {
                distance_basis = "walking network", profile, result = new
                {
                    region = walk.Region, kind = walk.Kind, assets = walk.Assets, minutes = walk.Minutes, speed_kmh = walk.SpeedKmh, cutoff_m = walk.CutoffM,
                    residents = walk.Residents, residents_covered = walk.ResidentsCovered, resident_share = walk.ResidentShare,
                    residents_60 = walk.Residents60, residents_60_covered = walk.Residents60Covered, residents_60_share = walk.Residents60Share,
                    buildings_off_network = walk.BuildingsOffNetwork, elapsed_ms = walk.ElapsedMs,
                },
            });
        }
        var radius = minutes * speed * 1000 / 60;
        var res = await new CoverageEngine(db).DisksAsync(code, q.Kind!, q.OnlineOnly ?? false, null, radius, false, ct);
        return res is null ? UnknownRegion(code) : TypedResults.Ok<object>(new
        {
            distance_basis = "straight line (no walking network loaded)", profile, radius_m = Math.Round(radius, 1),
            result = Shape(res, elderly ? "residents_60" : "residents"),
        });
    }
}
