using System.Globalization;
using System.Security.Claims;
using Geo.Core.Common;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Geo.Api;

public static partial class WalkingApi
{
    /// <summary>GET /api/route: the shortest walk as a GeoJSON Feature. Heavy like the isochrone (the group's policy):
    /// a Dijkstra on the in-memory graph whose work grows with the square of the distance (up to 10 km: most of the
    /// district), so non-staff callers share the concurrency limit.</summary>
    private static void MapRoute(RouteGroupBuilder group, WalkingOptions walking)
    {
        group.MapGet("/route", async Task<JsonHttpResult<RouteFeature>> (string? from, string? to, string? to_id, string? pace,
            ClaimsPrincipal user, WalkingRoute route, CancellationToken ct) =>
        {
            var start = ParseLonLat("from", from);
            var walker = walking.Profile(pace ?? "adult") ?? throw GeoException.BadInput("pace", $"expected one of {string.Join(", ", walking.Profiles.Keys)}");
            (double Lon, double Lat, string? Name) dest;
            if (to_id is not null)
            {
                if (to is not null) throw GeoException.BadInput("to", "give either to=LON,LAT or to_id=ID, not both");
                if (!long.TryParse(to_id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    throw GeoException.BadInput("to_id", $"'{to_id}' is not a place id");
                dest = await route.PlaceAsync(id, user, ct);
            }
            else
            {
                var (lon, lat) = ParseLonLat("to", to);
                dest = (lon, lat, null);
            }
            var r = await route.RouteAsync(start.Lon, start.Lat, dest.Lon, dest.Lat, walker, dest.Name, ct);
            return TypedResults.Json(ToFeature(r), ApiSetup.Json, "application/geo+json");
        }).Produces<RouteFeature>(StatusCodes.Status200OK, "application/geo+json")
            .WithSummary("The shortest walk between two points (or to a place by id) on the walking network: a GeoJSON LineString with metres, minutes at the pace, steps and Amap/Baidu hand-off links");
    }

    /// <summary>A GeoJSON Feature whose geometry is the walk (lon, lat; the access legs to and from the network included).</summary>
    public sealed record RouteFeature(string Type, RouteGeometry Geometry, RouteProperties Properties);
    public sealed record RouteGeometry(string Type, IReadOnlyList<double[]> Coordinates);
    /// <param name="Meters">true metres walked, access legs included</param>
    /// <param name="CostM">the network's effective metres (what the search minimises and pgr_dijkstra sums); minutes = cost_m / pace</param>
    public sealed record RouteProperties(double Meters, double Minutes, string Pace, double SpeedKmh, double CostM, RouteEndDto From, RouteEndDto To,
        IReadOnlyList<RouteStep> Steps, RouteHandoff Handoff);
    public sealed record RouteEndDto(double Lon, double Lat, double[] Snapped, double AccessM, string Name);

    private static RouteFeature ToFeature(WalkingRouteResult r) =>
        new("Feature", new RouteGeometry("LineString", r.Line),
            new RouteProperties(r.Meters, r.Minutes, r.Pace.Name, r.Pace.SpeedKmh, r.CostM, End(r.From), End(r.To), r.Steps, r.Handoff));

    private static RouteEndDto End(RouteEnd e) => new(e.Lon, e.Lat, [Math.Round(e.SnappedLon, 7), Math.Round(e.SnappedLat, 7)], Math.Round(e.AccessM, 1), e.Name);

    /// <summary>"LON,LAT" in WGS84 inside the district.</summary>
    private static (double Lon, double Lat) ParseLonLat(string name, string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) throw GeoException.BadInput(name, $"'{name}' is required, as LON,LAT (WGS84)");
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || !double.IsFinite(lon)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || !double.IsFinite(lat))
            throw GeoException.BadInput(name, $"'{s}' is not LON,LAT (two numbers, WGS84)");
        var ext = GeoFactory.DistrictExtent;
        if (lon < ext.MinX || lon > ext.MaxX || lat < ext.MinY || lat > ext.MaxY)
            throw GeoException.BadInput(name, $"({lon}, {lat}) is outside Tongzhou ({ext.MinX}..{ext.MaxX} E, {ext.MinY}..{ext.MaxY} N)");
        return (lon, lat);
    }
}
