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
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Geo.Api.Hardening;

/// <summary>Cost bounds and failure handling in two calls: <see cref="AddGeoHardening"/> (options, limit policies, probe and health checks,
/// sign-in guard, OpenTelemetry, JSON logs) and <see cref="UseGeoHardening"/> (forwarded headers,
/// <see cref="RequestGuard"/>, the rate limiter, /metrics).</summary>
public static class HardeningSetup
{
    public static IServiceCollection AddGeoHardening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGeoOptions<HardeningOptions>(HardeningOptions.Section, o => o.Problems());
        services.AddSingleton<DatabaseProbe>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseProbe>());
        services.AddGeoHealthChecks();
        services.AddGeoLimits();
        services.AddSingleton(sp => new SignInGuard(sp.GetRequiredService<HardeningOptions>()));
        services.AddSingleton<Geo.Core.Accounts.ISignInLockouts>(sp => sp.GetRequiredService<SignInGuard>());
        services.AddSingleton<HeavyResults>();
        services.AddDbNotificationSubscriber<HeavyResults>();

        // Kestrel's own cap is the largest per-operation limit; RequestGuard lowers it per request before reading
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HardeningOptions>>((k, o) =>
        {
            var options = o.Value;
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes, options.MaxReportBodyBytes);
            k.Limits.MaxRequestLineSize = 16 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
        });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme).PostConfigure<IOptions<HardeningOptions>>((c, o) =>
            c.Cookie.SecurePolicy = o.Value.SecureCookies ? Microsoft.AspNetCore.Http.CookieSecurePolicy.Always : Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HardeningOptions>>((f, o) =>
        {
            f.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var p in o.Value.TrustedProxies) f.KnownProxies.Add(IPAddress.Parse(p));
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

        // the logging providers are chosen while services are registered, before any option is bound
        if (configuration.GetValue(HardeningOptions.Section + ":" + nameof(HardeningOptions.JsonLogs), true))
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
        // after RequestGuard: a request waiting for a heavy permit is inside its time budget and cancelled with it
        app.UseRateLimiter();

        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(GeoPolicies.Staff).ExcludeFromDescription().Cheap();
        return app;
    }
}
