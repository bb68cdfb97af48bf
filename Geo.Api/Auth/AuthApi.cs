using System.Security.Claims;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Geo.Api.Auth;

/// <summary>Sign-in: a cookie for the web UI, a bearer token for API clients; who am I.</summary>
public static class AuthApi
{
    public sealed record Credentials(string? UserName, string? Password);

    public sealed record Me(bool Authenticated, string? Name, string? Role, string? DisplayName, string? GridManager);

    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth").Cheap();

        group.MapPost("/signin", async Task<Results<NoContent, ProblemHttpResult>> (Credentials body, GeoDbContext db, SignInGuard guard, HttpContext http) =>
        {
            if (await VerifyAsync(db, guard, http, body, CookieAuthenticationDefaults.AuthenticationScheme) is not { } principal) return BadCredentials();
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
            return TypedResults.NoContent();
        }).AllowAnonymousWrite("sign-in");

        // returns { token_type, access_token, expires_in, refresh_token } (ASP.NET Core bearer token handler, named as OAuth 2.0 names them)
        group.MapPost("/token", async Task<Results<SignInHttpResult, ProblemHttpResult>> (Credentials body, GeoDbContext db, SignInGuard guard, HttpContext http) =>
            await VerifyAsync(db, guard, http, body, BearerTokenDefaults.AuthenticationScheme) is { } principal
                ? TypedResults.SignIn(principal, authenticationScheme: BearerTokenDefaults.AuthenticationScheme)
                : BadCredentials())
            .AllowAnonymousWrite("token for API clients")
            .Produces<AccessTokenResponse>().WithSummary("A bearer token for API clients (OAuth 2.0 member names)");

        group.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.NoContent();
        }).AllowAnonymousWrite("signing out needs no role");

        group.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new Me(
            user.Identity?.IsAuthenticated == true, user.Identity?.Name, GeoClaims.Role(user),
            user.FindFirstValue(GeoClaims.DisplayName), user.FindFirstValue(GeoClaims.GridManager))));
        return group;
    }

    private static ProblemHttpResult BadCredentials() =>
        Problems.Of(GeoErrorKind.Unauthorized, "password", "unknown user name or wrong password");

    /// <summary>Throttled (<see cref="SignInGuard"/>): the address and account limits are checked before any work, and
    /// an unknown or disabled name costs one hash like a known one.</summary>
    private static async Task<ClaimsPrincipal?> VerifyAsync(GeoDbContext db, SignInGuard guard, HttpContext http, Credentials body, string scheme)
    {
        if (string.IsNullOrEmpty(body.UserName) || string.IsNullOrEmpty(body.Password)) return null;
        if (body.UserName.Length > 256 || body.Password.Length > 1024) throw GeoException.BadInput("user_name", "user name up to 256 and password up to 1024 characters");
        guard.Admit(http, body.UserName);
        var ct = http.RequestAborted;
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == body.UserName && !u.Disabled, ct);
        var check = await guard.VerifyAsync(user, body.Password, ct);
        if (user is null || check == PasswordVerificationResult.Failed)
        {
            guard.Failed(body.UserName);
            return null;
        }
        guard.Succeeded(body.UserName);
        if (check == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = guard.Hash(user, body.Password);
            await db.SaveChangesAsync(ct);
        }
        return GeoClaims.Principal(scheme, user.Id, user.UserName, user.Role, user.DisplayName, user.GridManagerName);
    }
}
