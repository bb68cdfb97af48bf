using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Geo.Api.Hardening;
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
        group.MapGet("/", async (NpgsqlDataSource db, DatabaseProbe probe, GeoReads reads, HttpContext http, CancellationToken ct) =>
        {
            // never the exception text (it names hosts, ports and users), never longer than a few seconds
            if (probe.IsDown) return Unavailable(http, reads);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await using var cmd = db.CreateCommand("SELECT current_setting('server_version'), postgis_lib_version()");
                cmd.CommandTimeout = 3;
                await using var r = await cmd.ExecuteReaderAsync(bounded.Token);
                await r.ReadAsync(bounded.Token);
                return Results.Ok(new Health("ok", r.GetString(0), r.GetString(1), null, reads.Status()));
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
            {
                return Unavailable(http, reads);
            }
        }).Produces<Health>(StatusCodes.Status200OK).Produces<Health>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Database and PostGIS versions; 503 while the database is unreachable");
        return group;
    }

    private static IResult Unavailable(HttpContext http, GeoReads reads)
    {
        http.Response.Headers.RetryAfter = "5";
        return Results.Json(new Health("unavailable", null, null, "database unreachable", reads.Status()), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
