using Geo.Api.Auth;
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
        var group = app.MapGroup("/api/sensors").WithTags("Sensors").RequireAuthorization(GeoPolicies.Device);

        group.MapPost("/readings", async Task<Ok<BatchOut>> (BatchIn body, GeoDbContext db, CancellationToken ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var batch = (body.Readings ?? []).Select(r => new ReadingIn(r.ReadingId ?? "", r.SensorId, r.Value, r.MeasuredAt ?? now)).ToList();
            var result = await SensorIntake.RecordAsync(db, batch, now, ct);
            return TypedResults.Ok(new BatchOut(result.Accepted, result.Duplicates, result.NewIncidentIds));
        }).WithSummary("A batch of device readings (heartbeat, threshold alarms become cases); replaying a batch is safe");
        return group;
    }
}
