using System.Globalization;
using System.Security.Claims;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Deliveries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Geo.Api;

/// <summary>Deliveries for elderly and disabled residents (2.1.3) over HTTP; the routing to the nearest provider, the
/// workflow and who sees which order are <see cref="DeliveryOrders"/> in Geo.Core.</summary>
public static class DeliveriesApi
{
    public sealed class ListQuery
    {
        [FromQuery(Name = "status")] public string? Status { get; init; }
        [FromQuery(Name = "limit")] public string? Limit { get; init; }
    }

    public static RouteGroupBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/deliveries").WithTags("Deliveries").RequireAuthorization(GeoPolicies.SignedIn);

        group.MapPost("/", async Task<Created<DeliveryDto>> (DeliveryOrderInput body, ClaimsPrincipal user, DeliveryOrders deliveries, CancellationToken ct) =>
        {
            var d = await deliveries.OrderAsync(user, body, ct);
            return TypedResults.Created($"/api/deliveries/{d.Id}", d);
        }).RequireRateLimiting(GeoLimits.Heavy).WithSummary("Order for a resident (themselves, or staff on behalf of a registered resident): routed to the nearest provider within a 15-minute walk at the elderly pace");

        group.MapGet("/", async Task<Ok<List<DeliveryDto>>> ([AsParameters] ListQuery q, ClaimsPrincipal user, DeliveryOrders deliveries, CancellationToken ct) =>
            TypedResults.Ok(await deliveries.ListAsync(user, false, q.Status, Limit(q.Limit), ct)))
            .Cheap().WithSummary("Orders the caller takes part in (own orders; provider's; staff: their communities'), newest first");

        group.MapGet("/provider", async Task<Ok<List<DeliveryDto>>> ([AsParameters] ListQuery q, ClaimsPrincipal user, DeliveryOrders deliveries, CancellationToken ct) =>
            TypedResults.Ok(await deliveries.ListAsync(user, true, q.Status, Limit(q.Limit), ct)))
            .Cheap().WithSummary("The provider's own view: orders routed to the gardens, shops or stations the caller works for");

        group.MapGet("/gaps", async Task<Ok<DeliveryGaps>> ([FromQuery(Name = "limit")] string? limit, DeliveryOrders deliveries, CancellationToken ct) =>
        {
            var gaps = await deliveries.GapsAsync(ct);
            return TypedResults.Ok(gaps with { Communities = [.. gaps.Communities.Take(Limit(limit))] });
        }).RequireAuthorization(GeoPolicies.Planning).RequireRateLimiting(GeoLimits.Heavy)
            .WithSummary("Communities where no delivering provider reaches a registered resident within 15 minutes (elderly pace); counts only");

        group.MapPost("/providers", async Task<Ok<DeliveryProvider>> (DeliveryProviderInput body, DeliveryOrders deliveries, CancellationToken ct) =>
            TypedResults.Ok(await deliveries.RegisterProviderAsync(body, ct)))
            .RequireAuthorization(GeoPolicies.Admin).Cheap().WithSummary("Make a vegetable garden, shop or service station a delivering provider worked by an account (admins)");

        group.MapGet("/{id}", async Task<Ok<DeliveryDto>> (string id, ClaimsPrincipal user, DeliveryOrders deliveries, CancellationToken ct) =>
            TypedResults.Ok(await deliveries.GetAsync(user, Id(id), ct)))
            .Cheap().WithSummary("One order with the actions the caller may take next");

        group.MapPost("/{id}/transitions", async Task<Ok<DeliveryDto>> (string id, DeliveryStep body, ClaimsPrincipal user, DeliveryOrders deliveries, CancellationToken ct) =>
            TypedResults.Ok(await deliveries.StepAsync(user, Id(id), body, ct)))
            .Cheap().WithSummary("One step (accept, out, deliver, cancel) under optimistic concurrency (version required)");
        return group;
    }

    private static int Limit(string? limit) => (int)QueryValues.Integer("limit", limit, 100, 1, 500);

    private static long Id(string id) => QueryValues.Id(id, "a delivery id");
}
