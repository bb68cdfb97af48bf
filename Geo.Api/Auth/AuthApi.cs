using System.Security.Claims;
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
        var group = app.MapGroup("/api/auth").WithTags("Auth");

        group.MapPost("/signin", async Task<Results<NoContent, ProblemHttpResult>> (Credentials body, GeoDbContext db, HttpContext http) =>
        {
            if (await VerifyAsync(db, body, CookieAuthenticationDefaults.AuthenticationScheme) is not { } principal) return BadCredentials();
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
            return TypedResults.NoContent();
        }).AllowAnonymousWrite("sign-in");

        // returns { token_type, access_token, expires_in, refresh_token } (ASP.NET Core bearer token handler, named as OAuth 2.0 names them)
        group.MapPost("/token", async Task<Results<SignInHttpResult, ProblemHttpResult>> (Credentials body, GeoDbContext db) =>
            await VerifyAsync(db, body, BearerTokenDefaults.AuthenticationScheme) is { } principal
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

    private static async Task<ClaimsPrincipal?> VerifyAsync(GeoDbContext db, Credentials body, string scheme)
    {
        if (string.IsNullOrEmpty(body.UserName) || string.IsNullOrEmpty(body.Password)) return null;
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == body.UserName && !u.Disabled);
        if (user is null) return null;
        var hasher = new PasswordHasher<GeoUser>();
        var check = hasher.VerifyHashedPassword(user, user.PasswordHash, body.Password);
        if (check == PasswordVerificationResult.Failed) return null;
        if (check == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, body.Password);
            await db.SaveChangesAsync();
        }
        return GeoClaims.Principal(scheme, user.Id, user.UserName, user.Role, user.DisplayName, user.GridManagerName);
    }
}
