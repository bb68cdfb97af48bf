using Geo.Api.Http;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Geo.Api;

/// <summary>Results of the latest life-circle run (computed by LifeCircleJob): completeness per region and the
/// gap list. Read-only: runs are triggered by data changes, not by requests. The reads are <see cref="LifeCircleReads"/>.</summary>
public static class LifeCircleApi
{
    public static RouteGroupBuilder MapLifeCircleApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/lifecircle").WithTags("Life circle");

        group.MapGet("/", async Task<Ok<LifeCircleTable>> (string? level, string? parent, NpgsqlDataSource db, WalkingOptions walking, CancellationToken ct) =>
            TypedResults.Ok(await LifeCircleReads.TableAsync(db, level, parent, walking.Adult, ct)))
            .WithSummary("Life-circle completeness per region (share of residents reaching all seven elements within 15 minutes' walk)");

        group.MapGet("/gaps", async Task<Ok<LifeCircleGaps>> ([FromQuery(Name = "limit")] string? limit, NpgsqlDataSource db, CancellationToken ct) =>
            TypedResults.Ok(await LifeCircleReads.GapsAsync(db, (int)QueryValues.Integer("limit", limit, 50, 1, LifeCircleReads.MaxGaps), ct)))
            .WithSummary("Communities where many residents miss a life element within 15 minutes, largest first");
        return group;
    }
}
