using System.Globalization;
using System.Security.Claims;
using System.Text;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Care;
using Geo.Core.Common;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Geo.Api;

/// <summary>The quick-help registry (indicator 2.1.4) over HTTP. Staff-only at the door; who sees which community's
/// households, the encryption and the audit are in Geo.Core (<see cref="CareRegistry"/>, <see cref="CareScope"/>, <see cref="CareReach"/>).</summary>
public static class CareRegistryApi
{
    public sealed class ScopeQuery
    {
        [FromQuery(Name = "community_id")] public string? CommunityId { get; init; }
        [FromQuery(Name = "by")] public string? By { get; init; }
        [FromQuery(Name = "limit")] public string? Limit { get; init; }
        [FromQuery(Name = "offset")] public string? Offset { get; init; }
        [FromQuery(Name = "format")] public string? Format { get; init; }

        public long? Community => CommunityId is null ? null : QueryValues.Integer("community_id", CommunityId, 0, 1, long.MaxValue);
    }

    public static RouteGroupBuilder MapCareRegistryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/care-registry").WithTags("Care registry").RequireAuthorization(GeoPolicies.Staff);

        group.MapGet("/", async Task<Ok<CareRecordPage>> ([AsParameters] ScopeQuery q, ClaimsPrincipal user, CareRegistry registry, CancellationToken ct) =>
            TypedResults.Ok(await registry.ListAsync(user, q.Community,
                (int)QueryValues.Integer("limit", q.Limit, 100, 1, CareRegistry.MaxPage), (int)QueryValues.Integer("offset", q.Offset, 0, 0, int.MaxValue), ct)))
            .Cheap().WithSummary("Registered households of the caller's communities (staff of the community, admins), with walking times; audited");

        group.MapPost("/", async Task<Created<CareRecord>> (CareRecordInput body, ClaimsPrincipal user, CareRegistry registry, CancellationToken ct) =>
        {
            var rec = await registry.CreateAsync(user, body, ct);
            return TypedResults.Created($"/api/care-registry/{rec.Id}", rec);
        }).Cheap().WithSummary("Register a household (elderly living alone or severely disabled); personal fields are stored encrypted; audited");

        group.MapGet("/reach", async Task<Ok<CareReachReport>> ([AsParameters] ScopeQuery q, ClaimsPrincipal user, CareReach reach, CancellationToken ct) =>
            TypedResults.Ok(await reach.ReportAsync(user, q.Community, CareReach.ParseBy(q.By), ct)))
            .RequireRateLimiting(GeoLimits.Heavy).WithSummary("Share of registered households within 5/10/15 minutes' walk (elderly pace) of a service station / one-key kiosk, per community; no personal data");

        group.MapGet("/unreached", async Task<Ok<CareUnreachedList>> ([AsParameters] ScopeQuery q, ClaimsPrincipal user, CareReach reach, CancellationToken ct) =>
            TypedResults.Ok(await reach.UnreachedAsync(user, q.Community, CareReach.ParseBy(q.By),
                (int)QueryValues.Integer("limit", q.Limit, 200, 1, CareRegistry.MaxPage), ct)))
            .RequireRateLimiting(GeoLimits.Heavy).WithSummary("Households with no service station (or kiosk: by=kiosk|either) within 15 minutes' walk, for their community's staff; audited");

        group.MapGet("/export", async Task<Results<Ok<List<CareExportRow>>, FileContentHttpResult>> ([AsParameters] ScopeQuery q, ClaimsPrincipal user,
            CareReach reach, CancellationToken ct) =>
        {
            var format = q.Format ?? "json";
            if (format is not ("json" or "csv")) throw GeoException.BadInput("format", "json or csv");
            var rows = await reach.ExportAsync(user, q.Community, ct);
            if (format == "json") return TypedResults.Ok(rows);
            var csv = new StringBuilder("id,community_code,building_id,category,synthetic,station_min,kiosk_min\n");
            foreach (var r in rows)
                csv.Append(CultureInfo.InvariantCulture, $"{r.Id},{r.CommunityCode},{r.BuildingId},{r.Category},{(r.Synthetic ? "true" : "false")},{r.StationMin},{r.KioskMin}\n");
            return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "care-registry.csv");
        }).RequireRateLimiting(GeoLimits.Heavy).WithSummary("The registry without personal fields (no name, contact, address, needs or point): json or csv; audited")
            .Produces<List<CareExportRow>>(StatusCodes.Status200OK, "application/json", "text/csv");

        group.MapGet("/audit", async Task<Ok<List<CareAudit.Entry>>> ([FromQuery(Name = "record_id")] string? recordId, [FromQuery(Name = "limit")] string? limit,
            CareRegistry registry, CancellationToken ct) =>
            TypedResults.Ok(await registry.AuditAsync(recordId is null ? null : QueryValues.Integer("record_id", recordId, 0, 1, long.MaxValue),
                (int)QueryValues.Integer("limit", limit, 200, 1, 2000), ct)))
            .RequireAuthorization(GeoPolicies.Admin).Cheap().WithSummary("Who read or changed the registry, newest first (admins)");

        group.MapGet("/{id}", async Task<Ok<CareRecord>> (string id, ClaimsPrincipal user, CareRegistry registry, CancellationToken ct) =>
            TypedResults.Ok(await registry.GetAsync(user, Id(id), ct)))
            .Cheap().WithSummary("One registered household (staff of its community, admins); audited");

        group.MapPut("/{id}", async Task<Ok<CareRecord>> (string id, CareRecordInput body, ClaimsPrincipal user, CareRegistry registry, CancellationToken ct) =>
            TypedResults.Ok(await registry.UpdateAsync(user, Id(id), body, ct)))
            .Cheap().WithSummary("Change a household's fields under optimistic concurrency (version required); audited by field name, never value");

        group.MapDelete("/{id}", async Task<NoContent> (string id, [FromQuery(Name = "version")] string? version, ClaimsPrincipal user, CareRegistry registry, CancellationToken ct) =>
        {
            await registry.DeleteAsync(user, Id(id), version is null ? null : (uint)QueryValues.Integer("version", version, 0, 0, uint.MaxValue), ct);
            return TypedResults.NoContent();
        }).Cheap().WithSummary("Remove a household from the registry (version required); audited");
        return group;
    }

    private static long Id(string id) => QueryValues.Id(id, "a registry id");
}
