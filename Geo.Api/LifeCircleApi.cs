using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Geo.Api;

/// <summary>Results of the latest life-circle run (computed by LifeCircleJob): completeness per region and the
/// gap list. Read-only: runs are triggered by data changes, not by requests. The reads are <see cref="LifeCircleReads"/>.</summary>
public static class LifeCircleApi
{
    public static RouteGroupBuilder MapLifeCircleApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/lifecircle").WithTags("Life circle");

        group.MapGet("/", async Task<Ok<LifeCircleTable>> (string? level, string? parent, LifeCircleReads reads, CancellationToken ct) =>
            TypedResults.Ok(await reads.TableAsync(level, parent, ct)))
            .Cheap().WithSummary("Life-circle completeness per region (share of residents reaching all seven elements within 15 minutes' walk), at the adult and elderly pace side by side");

        group.MapGet("/choropleth", async Task<Ok<ChoroplethApi.ChoroplethResponse>> ([FromQuery(Name = "pace")] string? pace, [FromQuery(Name = "level")] string? level,
            [FromQuery(Name = "parent")] string? parent, LifeCircleReads reads, CancellationToken ct) =>
            TypedResults.Ok(ChoroplethApi.Response(await reads.ChoroplethAsync(pace, level, parent, ct))))
            .RequireRateLimiting(GeoLimits.Heavy)
            .WithSummary("Life-circle completeness (share of the seven service categories within 15 minutes) per community or town at the adult or elderly pace, as a GeoJSON choropleth with its legend");

        group.MapGet("/gaps", async Task<Ok<LifeCircleGaps>> ([FromQuery(Name = "limit")] string? limit, LifeCircleReads reads, CancellationToken ct) =>
            TypedResults.Ok(await reads.GapsAsync((int)QueryValues.Integer("limit", limit, 50, 1, LifeCircleReads.MaxGaps), ct)))
            .Cheap().WithSummary("Communities where many residents miss a life element within 15 minutes, largest first");
        return group;
    }
}
