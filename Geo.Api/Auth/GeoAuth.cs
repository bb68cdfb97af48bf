using Geo.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Api.Auth;

/// <summary>Authorization policies other features use: <c>.RequireAuthorization(GeoPolicies.Staff)</c>.</summary>
public static class GeoPolicies
{
    /// <summary>grid_manager, planner, admin.</summary>
    public const string Staff = "geo:staff";
    /// <summary>planner, admin: district-wide planning reads (counts over every community, no persons).</summary>
    public const string Planning = "geo:planning";
    public const string Admin = "geo:admin";
    /// <summary>Devices with an API key (role device).</summary>
    public const string Device = "geo:device";
    /// <summary>Anyone signed in, residents included.</summary>
    public const string SignedIn = "geo:signed-in";
}

/// <summary>Marks a writing endpoint that is public on purpose (resident reports, sign-in); the
/// endpoint audit test accepts a write without a role only with this mark.</summary>
public sealed record PublicWriteMetadata(string Reason);

public static class GeoAuth
{
    /// <summary>One policy scheme in front of three: an X-Api-Key header → API key (devices, API
    /// clients), Authorization: Bearer → bearer token, else the sign-in cookie (web UI).</summary>
    public const string Scheme = "geo";
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";

    public static IServiceCollection AddGeoAuth(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie, bearer token or API key", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.ContainsKey(ApiKeyHeader) ? ApiKeyScheme
                : ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? BearerTokenDefaults.AuthenticationScheme
                : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "geo.auth";
                o.Cookie.HttpOnly = true;
                // Strict: a cookie-authenticated write can only come from our own pages (no CSRF from other sites)
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                // an API answers 401/403, never a redirect to a login page it does not have
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            })
            .AddBearerToken(o => o.BearerTokenExpiration = TimeSpan.FromHours(8))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(GeoPolicies.Staff, p => p.RequireRole(GeoRoles.Staff))
            .AddPolicy(GeoPolicies.Planning, p => p.RequireRole(GeoRoles.Planner, GeoRoles.Admin))
            .AddPolicy(GeoPolicies.Admin, p => p.RequireRole(GeoRoles.Admin))
            .AddPolicy(GeoPolicies.Device, p => p.RequireRole(GeoRoles.Device))
            .AddPolicy(GeoPolicies.SignedIn, p => p.RequireAuthenticatedUser());
        return services;
    }

    /// <summary>A write anyone may call, with the reason on record.</summary>
    public static TBuilder AllowAnonymousWrite<TBuilder>(this TBuilder builder, string reason) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new PublicWriteMetadata(reason));
}
