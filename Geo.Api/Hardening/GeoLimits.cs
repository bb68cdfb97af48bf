using System.Threading.RateLimiting;
using Geo.Core.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Geo.Api.Hardening;

/// <summary>The request limits, as ASP.NET Core rate-limiting policies declared on the endpoint or its group
/// (<c>.RequireRateLimiting(GeoLimits.Heavy)</c>), so a new route carries its limit where it is mapped instead of in
/// a list of path prefixes elsewhere. Every operation is classified: heavy (the policy) or <see cref="Cheap{TBuilder}"/>;
/// a test walks the endpoints and fails on one that is neither. Staff are never limited: their work is accountable.</summary>
public static class GeoLimits
{
    /// <summary>Operations that cost seconds of CPU or database time (coverage, walking reach and isochrones,
    /// polygon queries, whole-collection exports, choropleths): at most <see cref="HardeningOptions.HeavyConcurrency"/>
    /// run at once for non-staff callers, <see cref="HardeningOptions.HeavyQueue"/> wait.</summary>
    public const string Heavy = "heavy";

    /// <summary>Anonymous writes (resident reports, Open311): <see cref="HardeningOptions.ReportsPerMinute"/> per client
    /// address (per account when signed in). The report endpoints also get the larger body limit.</summary>
    public const string Reports = "reports";

    /// <summary>Marks an operation that does bounded work (one row, a page, a cached result): no limit policy, on purpose.</summary>
    public static TBuilder Cheap<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CheapOperation.Instance);

    /// <summary>The limit policy an endpoint declares (null: none).</summary>
    public static string? PolicyOf(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;

    public static IServiceCollection AddGeoLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.AddPolicy(Heavy, http => GeoClaims.IsStaff(http.User)
            ? RateLimitPartition.GetNoLimiter("staff")
            : RateLimitPartition.GetConcurrencyLimiter(Heavy, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = Options(http).HeavyConcurrency, QueueLimit = Options(http).HeavyQueue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
        o.AddPolicy(Reports, http => GeoClaims.IsStaff(http.User)
            ? RateLimitPartition.GetNoLimiter("staff")
            : RateLimitPartition.GetFixedWindowLimiter(RequestGuard.ClientKey(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Options(http).ReportsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
            }));
        o.OnRejected = async (ctx, _) =>
        {
            var http = ctx.HttpContext;
            var h = Options(http);
            var (reason, detail) = PolicyOf(http.GetEndpoint()) == Reports
                ? ("reports", $"at most {h.ReportsPerMinute} reports a minute from one address")
                : ("heavy", $"at most {h.HeavyConcurrency} expensive requests run at once (and {h.HeavyQueue} wait); retry shortly");
            await RequestGuard.TooManyAsync(http, ctx.Lease, reason, detail);
        };
    });

    private static HardeningOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<HardeningOptions>>().Value;
}

/// <summary>Endpoint metadata: this operation does bounded work and carries no limit policy (see <see cref="GeoLimits"/>).</summary>
public sealed class CheapOperation
{
    public static CheapOperation Instance { get; } = new();

    private CheapOperation() { }
}
