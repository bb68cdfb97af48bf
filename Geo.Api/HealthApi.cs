using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Geo.Api.Scale;
using Npgsql;

namespace Geo.Api;

public static class HealthApi
{
    /// <summary><paramref name="Replica"/>: the read replica as this node sees it (lag, where lag-tolerant reads go).</summary>
    public sealed record Health(string Status, string? Postgres, string? Postgis, string? Error, ReplicaStatus Replica);

    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/", async (NpgsqlDataSource db, GeoReads reads, CancellationToken ct) =>
        {
            try
            {
                await using var cmd = db.CreateCommand("SELECT current_setting('server_version'), postgis_lib_version()");
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                return Results.Ok(new Health("ok", r.GetString(0), r.GetString(1), null, reads.Status()));
            }
            catch (NpgsqlException ex)
            {
                return Results.Json(new Health("unavailable", null, null, ex.Message, reads.Status()), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).Produces<Health>(StatusCodes.Status200OK).Produces<Health>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Database and PostGIS versions; 503 while the database is unreachable");
        return group;
    }
}
