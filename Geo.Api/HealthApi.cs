using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Api.Scale;
using Geo.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Geo.Api;

/// <summary>ASP.NET Core health checks by tag, as eShop's ServiceDefaults: <c>live</c> (the process answers, no
/// database call), <c>ready</c> (the background <see cref="DatabaseProbe"/>, answered at once) and <c>report</c> (the
/// database and PostGIS versions behind <c>GET /health</c>, which the gateway probes). The response writers keep the
/// bodies clients read: <c>{"status":"live"}</c>, <c>{"status":"ready","database":"up"}</c> or a 503 problem with
/// Retry-After, and the versions document or 503 <c>database unreachable</c>.</summary>
public static class HealthApi
{
    public const string Live = "live";
    public const string Ready = "ready";
    public const string Report = "report";

    /// <summary><paramref name="Replica"/>: the read replica as this node sees it (lag, where lag-tolerant reads go).</summary>
    public sealed record Health(string Status, string? Postgres, string? Postgis, string? Error, ReplicaStatus Replica);

    public sealed record Liveness(string Status);

    public sealed record Readiness(string Status, string Database);

    public static IHealthChecksBuilder AddGeoHealthChecks(this IServiceCollection services) => services.AddHealthChecks()
        .AddCheck("process", () => HealthCheckResult.Healthy(), tags: [Live])
        .AddCheck<DatabaseProbe>("database", tags: [Ready])
        .AddCheck<DatabaseVersions>("versions", tags: [Report]);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Report), ResponseWriter = WriteReportAsync })
            .Cheap().WithDisplayName("Database and PostGIS versions; 503 while the database is unreachable");
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(Live),
            ResponseWriter = (http, _) => TypedResults.Ok(new Liveness("live")).ExecuteAsync(http),
        }).Cheap().WithDisplayName("The process answers (no database call: never waits on it)");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteReadyAsync })
            .Cheap().WithDisplayName("Ready to serve: the background database probe succeeded (answers at once, never waits on the database)");
        return app;
    }

    private static Task WriteReadyAsync(HttpContext http, HealthReport report)
    {
        if (report.Status != HealthStatus.Unhealthy) return TypedResults.Ok(new Readiness("ready", "up")).ExecuteAsync(http);
        http.Response.Headers.RetryAfter = RequestGuard.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Of(GeoErrorKind.Unavailable, "database", "the database is not answering (last background probe failed)").ExecuteAsync(http);
    }

    private static Task WriteReportAsync(HttpContext http, HealthReport report)
    {
        var replica = http.RequestServices.GetRequiredService<GeoReads>().Status();
        if (report.Entries.TryGetValue("versions", out var v) && v.Status == HealthStatus.Healthy)
            return TypedResults.Ok(new Health("ok", v.Data["postgres"] as string, v.Data["postgis"] as string, null, replica)).ExecuteAsync(http);
        // never the exception text (it names hosts, ports and users)
        http.Response.Headers.RetryAfter = RequestGuard.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Json(new Health("unavailable", null, null, "database unreachable", replica), statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(http);
    }

    /// <summary>The versions of the database and PostGIS, asked for in the request (bounded to 3 s) unless the
    /// background probe already knows the database is down.</summary>
    internal sealed class DatabaseVersions(NpgsqlDataSource db, DatabaseProbe probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            if (probe.IsDown) return HealthCheckResult.Unhealthy("database unreachable");
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await using var cmd = db.CreateCommand("SELECT current_setting('server_version'), postgis_lib_version()");
                cmd.CommandTimeout = 3;
                await using var r = await cmd.ExecuteReaderAsync(bounded.Token);
                await r.ReadAsync(bounded.Token);
                return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["postgres"] = r.GetString(0), ["postgis"] = r.GetString(1) });
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("database unreachable");
            }
        }
    }
}
