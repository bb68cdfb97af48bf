using Geo.Api.Auth;
using Geo.Api.Tiles;
using Geo.Core.Tiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Geo.Api;

/// <summary>Mapbox Vector Tiles from PostGIS: /tiles/{layer}/{z}/{x}/{y}.pbf (GET and HEAD: GDAL's
/// /vsicurl/ probes with HEAD), /tiles/{layer}.json (TileJSON 3.0.0) and /tiles (the catalogue).</summary>
public static class TilesApi
{
    public const string MvtContentType = "application/vnd.mapbox-vector-tile";

    public static IServiceCollection AddGeoTiles(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Geo:Tiles").Get<TileOptions>() ?? new TileOptions();
        services.AddSingleton(options);
        services.AddSingleton(new TileLayers(configuration.GetValue("Geo:ExposeSensitiveLayers", false)));
        services.AddSingleton<TileRenderer>();
        services.AddSingleton<TileCache>();
        services.AddSingleton(sp => new TileSeedStore(options.SeedDirectory is { Length: > 0 } dir
            ? Path.GetFullPath(dir, sp.GetRequiredService<IWebHostEnvironment>().ContentRootPath) : null));
        services.AddSingleton<TileService>();
        services.AddSingleton<TileInvalidationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<TileInvalidationListener>());
        return services;
    }

    public static RouteGroupBuilder MapTilesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tiles").WithTags("Tiles");
        group.MapMethods("/{layer}/{z:int}/{x:int}/{y:int}.pbf", [HttpMethods.Get, HttpMethods.Head], GetTileAsync);
        group.MapGet("/{layer}.json", (string layer, HttpRequest req, TileService tiles) =>
            tiles.Layers.FindFor(layer, GeoClaims.IsStaff(req.HttpContext.User)) is { } l ? Results.Json(TileJson.For(l, BaseUrl(req))) : Results.NotFound());
        group.MapGet("/", (HttpRequest req, TileService tiles) => Results.Ok(tiles.Layers.VisibleTo(GeoClaims.IsStaff(req.HttpContext.User)).Select(l =>
            new { id = l.Id, name_zh = l.TitleZh, name_en = l.TitleEn, tilejson = $"{BaseUrl(req)}/tiles/{l.Id}.json" })));
        return group;
    }

    private static async Task<IResult> GetTileAsync(string layer, int z, int x, int y, HttpContext http, TileService tiles, TileOptions options, CancellationToken ct)
    {
        // camera and sensor layers exist only for staff: to anyone else they are indistinguishable from unknown ones
        if (tiles.Layers.FindFor(layer, GeoClaims.IsStaff(http.User)) is not { } l) return Results.NotFound();
        if (!TileAddress.IsValid(z, x, y))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["tile"] = [$"{z}/{x}/{y} is not a tile: need 0 <= z <= {TileAddress.MaxZoom} and 0 <= x, y < 2^z"] });
        }
        var (tile, origin) = await tiles.GetAsync(l, new TileAddress(z, x, y), ct);
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
