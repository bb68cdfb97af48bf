using System.Globalization;
using System.Text.Json;
using Geo.Api;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Incidents;
using Geo.Core.Public;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Geo.Web.Components.Public;
using Geo.Web.Localization;
using NetTopologySuite.IO.Converters;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Geo.Web.Components.Public;

/// <summary>Bound from <c>Geo:Embed</c>: which sites may frame the community embed (CSP frame-ancestors). Default "*":
/// the page is public, read-only and uses no cookie, so framing it anywhere risks nothing; a deployment may narrow it
/// to the community websites' origins.</summary>
public sealed class PublicPageOptions
{
    public const string Section = "Geo:Embed";

    /// <summary>Sources for CSP frame-ancestors; unset means "*" (an array default would be appended to by the binder).</summary>
    public string[]? FrameAncestors { get; set; }

    public IReadOnlyList<string> Effective => FrameAncestors is { Length: > 0 } a ? a : ["*"];

    public IEnumerable<string> Problems()
    {
        foreach (var a in Effective)
        {
            var ok = a is "*" or "'self'" or "'none'"
                || (Uri.TryCreate(a, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.AbsolutePath == "/" && !a.EndsWith('/') && a.All(c => c > ' ' && c != ';' && c != ','));
            if (!ok) yield return $"Geo:Embed:FrameAncestors entry '{a}' is not *, 'self', 'none' or an origin like https://community.example.cn";
        }
    }
}

/// <summary>The light public pages: the community website embed (/embed/community/{code}) and the display screen page
/// (/screen/{id}). Static server renders of Core use cases (<see cref="CommunityEmbed"/>, <see cref="ScreenBoard"/>) with
/// Leaflet and a few lines of script; no Blazor circuit, no cookie.</summary>
public static class PublicPages
{
    private static readonly JsonSerializerOptions GeoJson = GeoJsonOptions.With(
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }, rfc7946: false);

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, GeoJson);

    public static WebApplicationBuilder AddPublicPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddGeoOptions<PublicPageOptions>(PublicPageOptions.Section, o => o.Problems());
        return builder;
    }

    public static WebApplication MapPublicPages(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<PublicPageOptions>();
        var embedCsp = Csp(string.Join(' ', options.Effective));
        var screenCsp = Csp("'self'");

        app.MapGet("/embed/community/{code}", async (string code, string? q, string? pace, string? lang, HttpContext http, CommunityEmbed embeds,
            WalkingOptions walking, CancellationToken ct) =>
        {
            var elderly = Pace(pace);
            var view = await embeds.LoadAsync(code, q, elderly, ct);
            Headers(http, embedCsp, maxAge: 300);
            await RenderAsync<EmbedPage>(http, new() { ["View"] = view, ["Lang"] = Language(lang), ["Walking"] = walking });
        }).ExcludeFromDescription().RequireRateLimiting(GeoLimits.Heavy);

        app.MapGet("/screen/{id}", async (string id, string? lang, string? refresh, HttpContext http, ScreenBoard screens,
            CancellationToken ct) =>
        {
            var screenId = QueryValues.Id(id, "a screen id");
            var seconds = refresh is null ? 60 : int.TryParse(refresh, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 3600
                ? s : throw GeoException.BadInput("refresh", "seconds between refreshes, 1–3600");
            var view = await screens.LoadAsync(screenId, ct);
            Headers(http, screenCsp, maxAge: 0);
            await RenderAsync<ScreenPage>(http, new() { ["View"] = view, ["Lang"] = Language(lang), ["RefreshSeconds"] = seconds });
        }).ExcludeFromDescription().RequireRateLimiting(GeoLimits.Heavy);

        // a case's public status page, linked from the report form's receipt: a lookup by key, cheap
        app.MapGet("/cases/{id}", async (string id, string? lang, HttpContext http, PublicCases cases, CancellationToken ct) =>
        {
            var view = await cases.GetAsync(QueryValues.Id(id, "a case id"), ct);
            Headers(http, screenCsp, maxAge: 0);
            await RenderAsync<CasePage>(http, new() { ["Case"] = view, ["Lang"] = Language(lang) });
        }).ExcludeFromDescription().Cheap();
        return app;
    }

    /// <summary>A static render of a page component (Blazor's HtmlRenderer: no circuit, no script of Blazor's own).</summary>
    private static async Task RenderAsync<TPage>(HttpContext http, Dictionary<string, object?> parameters) where TPage : IComponent
    {
        await using var renderer = new HtmlRenderer(http.RequestServices, http.RequestServices.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TPage>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }

    private static bool Pace(string? pace) => pace switch
    {
        null or "adult" => false,
        "elderly" => true,
        _ => throw GeoException.BadInput("pace", "adult or elderly"),
    };

    private static Lang Language(string? lang) => lang switch
    {
        null or "zh" or "zh-CN" => Lang.Zh,
        "en" => Lang.En,
        _ => throw GeoException.BadInput("lang", "zh or en"),
    };

    private static string Csp(string frameAncestors) =>
        $"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
        + $"worker-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {frameAncestors}";

    private static void Headers(HttpContext http, string csp, int maxAge)
    {
        http.Response.Headers.ContentSecurityPolicy = csp;
        http.Response.Headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        http.Response.Headers.CacheControl = maxAge > 0 ? $"public, max-age={maxAge}" : "no-cache";
    }
}
