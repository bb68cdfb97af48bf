using System.Net;
using Geo.Api.Auth;
using Geo.Api.Http;
using Geo.Core.Live;
using Geo.Core.Common;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Geo.Api.Hardening;

/// <summary>Issue 12 in two calls: <see cref="AddGeoHardening"/> (options, limits, probe, sign-in guard,
/// OpenTelemetry, JSON logs) and <see cref="UseGeoHardening"/> (forwarded headers, <see cref="RequestGuard"/>,
/// /health/live, /health/ready, /metrics).</summary>
public static class HardeningSetup
{
    public sealed record Liveness(string Status);

    public sealed record Readiness(string Status, string Database);

    public static IServiceCollection AddGeoHardening(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(HardeningOptions.Section).Get<HardeningOptions>() ?? new HardeningOptions();
        GeoOptions.ThrowIfInvalid(HardeningOptions.Section, options.Problems());
        services.AddSingleton(options);
        services.AddSingleton<DatabaseProbe>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseProbe>());
        services.AddSingleton(_ => new SignInGuard(options));
        services.AddSingleton<HeavyResults>();
        services.AddDbNotificationSubscriber<HeavyResults>();

        // Kestrel's own cap is the largest per-operation limit; RequestGuard lowers it per request before reading
        services.Configure<KestrelServerOptions>(k =>
        {
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes, options.MaxReportBodyBytes);
            k.Limits.MaxRequestLineSize = 16 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
        });
        services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, c =>
            c.Cookie.SecurePolicy = options.SecureCookies ? Microsoft.AspNetCore.Http.CookieSecurePolicy.Always : Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
        services.Configure<ForwardedHeadersOptions>(f =>
        {
            f.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var p in options.TrustedProxies) f.KnownProxies.Add(IPAddress.Parse(p));
        });
        // every problem carries the ids an operator finds the request by in the logs and traces
        services.Configure<Microsoft.AspNetCore.Http.ProblemDetailsOptions>(o =>
        {
            var before = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = c =>
            {
                before?.Invoke(c);
                c.ProblemDetails.Extensions.Remove("traceId");
                c.ProblemDetails.Extensions["request_id"] = c.HttpContext.TraceIdentifier;
                c.ProblemDetails.Extensions["trace_id"] = RequestGuard.TraceId(c.HttpContext);
            };
        });

        if (options.JsonLogs)
        {
            services.AddLogging(b => b.AddJsonConsole(j =>
            {
                j.IncludeScopes = true; // RequestId, RequestPath, TraceId, SpanId of the request
                j.UseUtcTimestamp = true;
                j.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            }));
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("geo"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddNpgsql().AddSource("Quartz", GeoMetrics.MeterName))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddNpgsqlInstrumentation()
                .AddMeter(GeoMetrics.MeterName, "Geo.Jobs", "Quartz").AddPrometheusExporter());
        return services;
    }

    public static WebApplication UseGeoHardening(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<RequestGuard>();

        var health = app.MapGroup("/health").WithTags("Health");
        health.MapGet("/live", () => TypedResults.Ok(new Liveness("live")))
            .WithSummary("The process answers (no database call: never waits on it)");
        health.MapGet("/ready", Results<Ok<Readiness>, ProblemHttpResult> (DatabaseProbe probe, HttpContext http) =>
        {
            if (!probe.IsDown) return TypedResults.Ok(new Readiness("ready", "up"));
            http.Response.Headers.RetryAfter = RequestGuard.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Of(GeoErrorKind.Unavailable, "database", "the database is not answering (last background probe failed)");
        }).WithSummary("Ready to serve: the background database probe succeeded (answers at once, never waits on the database)");

        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(GeoPolicies.Staff).ExcludeFromDescription();
        return app;
    }
}
