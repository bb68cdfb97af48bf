using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Geo.Api.Http;
using Geo.Core.Access;
using Geo.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Geo.Api.Hardening;

/// <summary>The cost bound every API request gets, in one middleware: a request id, the body limit (before the
/// body is read), an immediate 503 while the database is down, a budget in time by role (the CancellationToken
/// handlers pass to Npgsql, so the statement is cancelled in PostgreSQL too), and the Origin check on
/// cookie-authenticated writes. Database outages and budget overruns become 503 problems with Retry-After.
/// The concurrency limit on expensive operations and the quota on reports are rate-limiting policies declared on
/// the endpoints (<see cref="GeoLimits"/>); the rate limiter runs after this middleware, inside the time budget.</summary>
public sealed class RequestGuard(RequestDelegate next, HardeningOptions options, DatabaseProbe probe)
{
    /// <summary>Paths served from the database whose callers want a problem document, not a page.</summary>
    private static readonly string[] ApiPrefixes = ["/api", "/ogc", "/open311", "/tiles"];

    internal const int RetryAfterSeconds = 5;

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (!ApiPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            await next(http);
            return;
        }
        // OnStarting: the exception handler clears headers set before it runs
        http.Response.OnStarting(() => { http.Response.Headers["X-Request-Id"] = http.TraceIdentifier; return Task.CompletedTask; });

        if (OriginCheck.Refusal(http, options) is { } refused) { await WriteAsync(http, refused); return; }
        if (BodyTooLarge(http) is { } tooLarge) { await WriteAsync(http, tooLarge); return; }
        if (probe.IsDown) { await WriteAsync(http, Unavailable("database", "the database is not answering; retry shortly")); return; }

        var staff = GeoClaims.IsStaff(http.User);
        if (IsReport(http) && options.ReportsRequireSignIn && http.User.Identity?.IsAuthenticated != true)
        {
            await WriteAsync(http, Problems.Of(GeoErrorKind.Unauthorized, "authorization", "reports need a signed-in account on this site (POST /api/auth/signin)"));
            return;
        }

        // the gauge of expensive requests waiting or running (the limit itself is the endpoint's policy)
        var heavy = !staff && GeoLimits.PolicyOf(http.GetEndpoint()) == GeoLimits.Heavy;
        if (heavy) GeoMetrics.HeavyEntered();
        var budget = TimeSpan.FromSeconds(staff ? options.StaffRequestSeconds : options.AnonymousRequestSeconds);
        using var deadline = new CancellationTokenSource(budget);
        var clientAborted = http.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, deadline.Token, probe.DownToken);
        http.RequestAborted = linked.Token;
        try
        {
            await next(http);
        }
        catch (GeoException g) when (g.Kind is GeoErrorKind.TooManyRequests or GeoErrorKind.Unavailable && !http.Response.HasStarted)
        {
            // written here, not by the exception handler, which would clear the Retry-After header
            var after = g.Extensions.TryGetValue("retry_after", out var ra) && ra is int s ? s : RetryAfterSeconds;
            http.Response.Clear();
            http.Response.Headers.RetryAfter = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteAsync(http, Problems.From(g));
        }
        catch (Exception ex) when (!clientAborted.IsCancellationRequested && !http.Response.HasStarted && Outage(ex, deadline.Token, probe) is { } problem)
        {
            http.Response.Clear();
            await WriteAsync(http, problem);
        }
        finally
        {
            if (heavy) GeoMetrics.HeavyLeft();
            http.RequestAborted = clientAborted;
        }
    }

    /// <summary>A resident report: the operations that declare the reports quota (POST /api/incidents, Open311 POST requests).</summary>
    private static bool IsReport(HttpContext http) => GeoLimits.PolicyOf(http.GetEndpoint()) == GeoLimits.Reports;

    /// <summary>The body limit of this operation: reports carry a photo, everything else is small. Set on the
    /// server's feature (Kestrel enforces it while reading a chunked body) and checked against Content-Length now.</summary>
    private ProblemHttpResult? BodyTooLarge(HttpContext http)
    {
        var limit = IsReport(http) ? options.MaxReportBodyBytes : options.MaxBodyBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } f) f.MaxRequestBodySize = limit;
        return http.Request.ContentLength is { } n && n > limit
            ? Problems.Of(GeoErrorKind.TooLarge, "body", $"the body is {n:N0} bytes; this operation accepts at most {limit:N0}")
            : null;
    }

    /// <summary>A failure that is the server's state, not the caller's input: the database unreachable, frozen or
    /// shutting down, or the request's time budget spent. Null for anything else (the exception handler decides).</summary>
    internal static ProblemHttpResult? Outage(Exception ex, CancellationToken deadline, DatabaseProbe? probe)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                if (probe?.IsDown == true) return Unavailable("database", "the database stopped answering during the request; retry shortly");
                if (deadline.IsCancellationRequested) return Unavailable("request", "the request used up its time budget (the statement was cancelled); narrow it or retry later");
            }
            if (e is PostgresException pg)
            {
                // 08: connection exceptions; 57P01-03: shutdown; 53: out of resources; 57014: cancelled (statement_timeout)
                if (pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("53", StringComparison.Ordinal))
                    return Unavailable("database", "the database is shutting down or out of resources; retry shortly");
                if (pg.SqlState == PostgresErrorCodes.QueryCanceled)
                    return Unavailable("request", "the database cancelled the statement (time budget); narrow the request or retry later");
                return null;
            }
            if (e is NpgsqlException or SocketException or TimeoutException)
                return Unavailable("database", "the database is not reachable; retry shortly");
        }
        return null;
    }

    internal static ProblemHttpResult Unavailable(string parameter, string detail) => Problems.Of(GeoErrorKind.Unavailable, parameter, detail);

    internal static async Task TooManyAsync(HttpContext http, RateLimitLease lease, string reason, string detail)
    {
        var after = lease.TryGetMetadata(MetadataName.RetryAfter, out var ra) ? (int)Math.Ceiling(ra.TotalSeconds) : 1;
        http.Response.Headers.RetryAfter = Math.Max(1, after).ToString(System.Globalization.CultureInfo.InvariantCulture);
        GeoMetrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        await Problems.Of(GeoErrorKind.TooManyRequests, "request", detail).ExecuteAsync(http);
    }

    private static async Task WriteAsync(HttpContext http, ProblemHttpResult problem)
    {
        if (problem.StatusCode is 503 or 429 && !http.Response.Headers.ContainsKey("Retry-After"))
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (problem.StatusCode is 503 or 429 or 413 or 403)
            GeoMetrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", problem.ProblemDetails.Type?.Split('/')[^1]));
        http.Response.Headers["X-Request-Id"] = http.TraceIdentifier;
        await problem.ExecuteAsync(http);
    }

    /// <summary>Who a quota counts against: the account when signed in, else the client address (after trusted
    /// proxies' X-Forwarded-For).</summary>
    internal static string ClientKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? "user:" + http.User.Identity.Name
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    internal static string TraceId(HttpContext http) => Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
}
