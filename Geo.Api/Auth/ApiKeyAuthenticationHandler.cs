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
        var hash = ApiKey.Hash(key);
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var row = await (
                from k in db.ApiKeys.AsNoTracking()
                where k.KeyHash == hash && k.RevokedAt == null
                join u in db.Users.AsNoTracking() on k.UserId equals u.Id into us
                from u in us.DefaultIfEmpty()
                select new { k.Id, k.Name, k.Role, k.UserId, Disabled = u != null && u.Disabled, GridManager = u != null ? u.GridManagerName : null })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (row is null || row.Disabled) return AuthenticateResult.Fail("invalid API key");
        var principal = GeoClaims.Principal(Scheme.Name, row.UserId, "key:" + row.Name, row.Role, row.Name, row.GridManager);
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new(GeoClaims.ApiKeyId, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
