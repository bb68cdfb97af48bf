using System.Text.Encodings.Web;
using Geo.Core.Access;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Geo.Api.Auth;

/// <summary>X-Api-Key: looked up by SHA-256, revoked keys and keys of disabled users fail.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<GeoDbContext> dbFactory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[GeoAuth.ApiKeyHeader].ToString();
        if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var principal = await PrincipalAsync(db, key, Scheme.Name, Context.RequestAborted);
        if (principal is null) return AuthenticateResult.Fail("invalid API key");
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <summary>The principal of a live key (not revoked, user not disabled), or null. Also used where a standard
    /// carries the key elsewhere than the header (Open311's api_key parameter).</summary>
    public static async Task<System.Security.Claims.ClaimsPrincipal?> PrincipalAsync(GeoDbContext db, string key, string scheme, CancellationToken ct)
    {
        var hash = ApiKey.Hash(key);
        var row = await (
                from k in db.ApiKeys.AsNoTracking()
                where k.KeyHash == hash && k.RevokedAt == null
                join u in db.Users.AsNoTracking() on k.UserId equals u.Id into us
                from u in us.DefaultIfEmpty()
                select new { k.Id, k.Name, k.Role, k.UserId, Disabled = u != null && u.Disabled, GridManager = u != null ? u.GridManagerName : null })
            .FirstOrDefaultAsync(ct);
        if (row is null || row.Disabled) return null;
        var principal = GeoClaims.Principal(scheme, row.UserId, "key:" + row.Name, row.Role, row.Name, row.GridManager);
        // the key's id: device keys are bound to their sensors by it
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new(GeoClaims.ApiKeyId, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return principal;
    }
}
