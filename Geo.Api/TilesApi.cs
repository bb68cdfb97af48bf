using Geo.Api.Hardening;
using Geo.Core.Live;
using Geo.Api.Tiles;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Tiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Api;

/// <summary>Mapbox Vector Tiles from PostGIS: /tiles/{layer}/{z}/{x}/{y}.pbf (GET and HEAD: GDAL's
/// /vsicurl/ probes with HEAD), /tiles/{layer}.json (TileJSON 3.0.0) and /tiles (the catalogue).</summary>
public static class TilesApi
{
    public const string MvtContentType = "application/vnd.mapbox-vector-tile";

    public static IServiceCollection AddGeoTiles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGeoOptions<TileOptions>("Geo:Tiles", o => o.Problems());
        services.AddSingleton(sp => new TileLayers(sp.GetRequiredService<SiteOptions>().ExposeSensitiveLayers));
        services.AddSingleton<TileRenderer>();
        services.AddSingleton<TileCache>();
        services.AddSingleton(sp => new TileSeedStore(sp.GetRequiredService<TileOptions>().SeedDirectory is { Length: > 0 } dir
            ? Path.GetFullPath(dir, sp.GetRequiredService<IWebHostEnvironment>().ContentRootPath) : null));
        services.AddSingleton<TileService>();
        services.AddDbNotificationSubscriber<TileInvalidator>();
        return services;
    }

    public static RouteGroupBuilder MapTilesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tiles").WithTags("Tiles").Cheap();
        group.MapMethods("/{layer}/{z}/{x}/{y}.pbf", [HttpMethods.Get, HttpMethods.Head], GetTileAsync)
            .Produces<byte[]>(StatusCodes.Status200OK, MvtContentType).WithSummary("One Mapbox vector tile (GET, or HEAD for GDAL's /vsicurl/)");
        group.MapGet("/{layer}.json", Ok<TileJson> (string layer, HttpRequest req, TileService tiles) =>
            TypedResults.Ok(TileJson.For(Layer(tiles, layer, req.HttpContext.User), BaseUrl(req)))).WithSummary("TileJSON 3.0.0 of a layer");
        group.MapGet("/", Ok<List<TileLayerRef>> (HttpRequest req, TileService tiles) => TypedResults.Ok(tiles.Layers.VisibleTo(req.HttpContext.User)
            .Select(l => new TileLayerRef(l.Id, l.TitleZh, l.TitleEn, $"{BaseUrl(req)}/tiles/{l.Id}.json")).ToList())).WithSummary("The tile layers the caller may see");
        group.MapGet("/cache", Ok<TileCacheStats> (TileCache cache) => TypedResults.Ok(cache.Stats))
            .WithSummary("The in-memory tile cache: tiles, bytes, hits, misses, hit rate, LRU evictions, tiles dropped by changes");
        return group;
    }

    public sealed record TileLayerRef(string Id, string NameZh, string NameEn, string Tilejson);

    /// <summary>Camera and sensor layers exist only for staff: to anyone else they are indistinguishable from unknown ones.</summary>
    private static TileLayer Layer(TileService tiles, string layer, System.Security.Claims.ClaimsPrincipal user) =>
        tiles.Layers.FindFor(layer, user) ?? throw GeoException.NotFound("layer", $"no tile layer '{layer}'; the list is at /tiles");

    private static int TileNumber(string name, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw GeoException.BadInput(name, $"'{name}' must be a whole number, got '{value}'");

    private static async Task<IResult> GetTileAsync(string layer, string z, string x, string y, HttpContext http, TileService tiles, TileOptions options, CancellationToken ct)
    {
        var l = Layer(tiles, layer, http.User);
        var (tz, tx, ty) = (TileNumber("z", z), TileNumber("x", x), TileNumber("y", y));
        if (!TileAddress.IsValid(tz, tx, ty))
        {
            throw GeoException.BadInput(tz is < 0 or > TileAddress.MaxZoom ? "z" : "x",
                $"{z}/{x}/{y} is not a tile: need 0 <= z <= {TileAddress.MaxZoom} and 0 <= x, y < 2^z");
        }
        var (z2, x2, y2) = (tz, tx, ty);
        var (tile, origin) = await tiles.GetAsync(l, new TileAddress(z2, x2, y2), ct);
        var headers = http.Response.Headers;
        headers.ETag = tile.ETag;
        headers.CacheControl = $"public, max-age={options.MaxAgeSeconds}";
        headers["X-Tile-Origin"] = origin.ToString().ToLowerInvariant();
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == "*" || v.Split(',').Any(e => e.Trim() == tile.ETag))))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(tile.Bytes, MvtContentType);
    }

    internal static string BaseUrl(HttpRequest req) => $"{req.Scheme}://{req.Host}{req.PathBase}";
}
