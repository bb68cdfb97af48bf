using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Geo.Api;

public static class HealthApi
{
    public sealed record Health(string Status, string? Postgres, string? Postgis, string? Error);

    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/", async (NpgsqlDataSource db, CancellationToken ct) =>
        {
            try
            {
                await using var cmd = db.CreateCommand("SELECT current_setting('server_version'), postgis_lib_version()");
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                return Results.Ok(new Health("ok", r.GetString(0), r.GetString(1), null));
            }
            catch (NpgsqlException ex)
            {
                return Results.Json(new Health("unavailable", null, null, ex.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).Produces<Health>(StatusCodes.Status200OK).Produces<Health>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Database and PostGIS versions; 503 while the database is unreachable");
        return group;
    }
}
