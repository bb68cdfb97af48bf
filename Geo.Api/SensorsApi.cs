using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Core.Data;
using Geo.Core.Incidents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Geo.Api;

/// <summary>Device readings (API key, role device). Replaying a batch is safe: readings are keyed by id.</summary>
public static class SensorsApi
{
    public sealed record ReadingDto(string? ReadingId, long SensorId, double Value, DateTimeOffset? MeasuredAt);

    public sealed record BatchIn(IReadOnlyList<ReadingDto>? Readings);

    public sealed record BatchOut(int Accepted, int Duplicates, IReadOnlyList<long> Incidents);

    public static RouteGroupBuilder MapSensorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sensors").WithTags("Sensors").RequireAuthorization(GeoPolicies.Device).Cheap();

        group.MapPost("/readings", async Task<Ok<BatchOut>> (BatchIn body, System.Security.Claims.ClaimsPrincipal user, SensorIntake intake, CancellationToken ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var batch = (body.Readings ?? []).Select(r => new ReadingIn(r.ReadingId ?? "", r.SensorId, r.Value, r.MeasuredAt ?? now)).ToList();
            // a device reports with its key, and only for the sensors bound to that key
            var key = Geo.Core.Access.GeoClaims.KeyId(user) ?? throw Geo.Core.Common.GeoException.Forbidden("X-Api-Key", "readings are sent with a device API key");
            var result = await intake.RecordAsync(batch, now, key, ct);
            return TypedResults.Ok(new BatchOut(result.Accepted, result.Duplicates, result.NewIncidentIds));
        }).WithSummary("A batch of device readings (heartbeat, threshold alarms become cases) for the sensors bound to the key; replaying a batch is safe");
        return group;
    }
}
