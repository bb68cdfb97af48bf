using Geo.Api.Auth;
using Geo.Api.Http;
using Geo.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Geo.Api.Hardening;

/// <summary>CSRF defence beside SameSite=Strict: a write that authenticates with the sign-in cookie must come
/// from this site's own pages. Browsers send Origin on every cross-origin write (and "null" from sandboxes and
/// privacy redirects), so a cookie write whose Origin (or, lacking it, Referer) is another site is refused with
/// 403. Bearer tokens and API keys are not sent by browsers on their own, so those requests are not checked;
/// a cookie write with neither header comes from a non-browser client (curl, scripts) and is allowed.</summary>
internal static class OriginCheck
{
    public const string CookieName = "geo.auth";

    public static ProblemHttpResult? Refusal(HttpContext http, HardeningOptions options)
    {
        var req = http.Request;
        if (HttpMethods.IsGet(req.Method) || HttpMethods.IsHead(req.Method) || HttpMethods.IsOptions(req.Method) || HttpMethods.IsTrace(req.Method)) return null;
        if (!req.Cookies.ContainsKey(CookieName)) return null;
        if (req.Headers.ContainsKey(GeoAuth.ApiKeyHeader) || req.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;

        var origin = req.Headers.Origin.ToString();
        if (origin.Length == 0 && Uri.TryCreate(req.Headers.Referer.ToString(), UriKind.Absolute, out var referer)) origin = referer.GetLeftPart(UriPartial.Authority);
        if (origin.Length == 0) return null;
        if (Allowed(origin, req, options)) return null;
        return Problems.Of(GeoErrorKind.Forbidden, "origin",
            $"a signed-in write from another site ({origin}) is refused (cross-site request forgery); send it from this site's pages or use a bearer token");
    }

    private static bool Allowed(string origin, HttpRequest req, HardeningOptions options)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o)) return false; // "null" and junk
        // the host the browser addressed (a reverse proxy passes it on in Host); the scheme may differ behind TLS termination
        if (string.Equals(o.Authority, req.Host.Value, StringComparison.OrdinalIgnoreCase)) return true;
        return options.AllowedOrigins.Any(a => Uri.TryCreate(a, UriKind.Absolute, out var u)
            && string.Equals(u.Scheme, o.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(u.Authority, o.Authority, StringComparison.OrdinalIgnoreCase));
    }
}
