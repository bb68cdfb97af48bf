using System.Globalization;
using System.Text.Json;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetTopologySuite.IO.Converters;
using Npgsql;

namespace Geo.Api;

/// <summary>The 15-minute life circle over the walking network: isochrone bands with the services inside
/// them, and services sorted by walking time for one life element.</summary>
public static partial class WalkingApi
{
    private static readonly JsonSerializerOptions GeoJson = GeoJsonOptions.With(ApiSetup.Json);

    public static RouteGroupBuilder MapWalkingApi(this IEndpointRouteBuilder app)
    {
        var sp = app.ServiceProvider;
        // One graph per process. Self-registering keeps Program.cs to a single line for this feature.
        var graphs = sp.GetRequiredService<WalkingGraphProvider>();
        var walking = sp.GetRequiredService<WalkingOptions>();
        var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WalkingApi));
        sp.GetService<IHostApplicationLifetime>()?.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try
            {
                var g = await graphs.GetAsync();
                log.LogInformation("walking graph: {Nodes} nodes, {Edges} edges, {Bytes} bytes", g.NodeCount, g.EdgeCount, g.MemoryBytes);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                log.LogWarning(ex, "walking graph not loaded at start-up; the first request retries");
            }
        }));

        var group = app.MapGroup("/api").WithTags("Walking").RequireRateLimiting(GeoLimits.Heavy);

        group.MapGet("/isochrone", async (string? lon, string? lat, string? minutes, string? profile, HttpContext http, WalkingReach walk, CancellationToken ct) =>
        {
            var point = ParsePoint(lon, lat);
            var bands = ParseMinutes(minutes ?? "5,10,15");
            var walker = ParseProfile(profile, walking);
            var iso = await walk.IsochroneAsync(point.Lon, point.Lat, bands, walker, sp.GetRequiredService<Scale.GeoReads>().For(http), ct);
            var features = iso.Bands.Reverse()
                .Select(b => new BandFeature("Feature", JsonSerializer.SerializeToElement(b.Polygon, GeoJson),
                    new BandProperties(b.Minutes, Math.Round(b.CutoffM, 1), b.ReachedNodes, walker.Name))).ToList();
            IReadOnlyDictionary<string, IReadOnlyList<ServiceDto>> grouped = ServiceReach.Elements.ToDictionary(e => e,
                e => (IReadOnlyList<ServiceDto>)iso.Services.Where(s => s.Element == e).Select(ToJson).ToList());
            return Results.Json(new IsochroneResponse("FeatureCollection", features, OriginJson(iso.Origin), new ProfileDto(walker.Name, walker.SpeedKmh), grouped),
                GeoJson, "application/geo+json");
        }).Produces<IsochroneResponse>(StatusCodes.Status200OK, "application/geo+json")
            .WithSummary("Walking isochrone bands (GeoJSON polygons) from a point, with the services reached in each");

        group.MapGet("/reach", async Task<Ok<ReachResponse>> (string? lon, string? lat, string? category, string? minutes, string? profile, WalkingReach walk, CancellationToken ct) =>
        {
            var point = ParsePoint(lon, lat);
            var limit = ParseMinutes(minutes ?? "15", single: true);
            var walker = ParseProfile(profile, walking);
            if (category is not null && Array.IndexOf(ServiceReach.Elements, category) < 0 && Array.IndexOf(ServiceReach.ServiceKinds, category) < 0)
                throw GeoException.BadInput("category", $"expected a life element ({string.Join(", ", ServiceReach.Elements)}) or a service kind ({string.Join(", ", ServiceReach.ServiceKinds)})");
            var (origin, services) = await walk.ServicesAsync(point.Lon, point.Lat, limit[0], walker, category, ct);
            return TypedResults.Ok(new ReachResponse(OriginJson(origin), limit[0], category, new ProfileDto(walker.Name, walker.SpeedKmh),
                services.Select(ToJson).ToList()));
        }).WithSummary("Services of a life element (or kind) by walking time from a point, nearest first");
        MapRoute(group, walking);
        return group;
    }

    /// <summary>Describes the isochrone response: a FeatureCollection of band polygons (outermost first) plus the origin,
    /// the profile and the services reached, grouped by life element.</summary>
    public sealed record IsochroneResponse(string Type, IReadOnlyList<BandFeature> Features, OriginDto Origin, ProfileDto Profile,
        IReadOnlyDictionary<string, IReadOnlyList<ServiceDto>> Services);
    public sealed record BandFeature(string Type, JsonElement Geometry, BandProperties Properties);
    public sealed record BandProperties(int Minutes, double CutoffM, int ReachedNodes, string Profile);
    public sealed record OriginDto(double Lon, double Lat, double[] Snapped, double AccessM);
    public sealed record ProfileDto(string Name, double SpeedKmh);
    public sealed record ServiceDto(long Id, string Kind, string Name, string? Element, string? Category, double Lon, double Lat, double WalkM, double Minutes);
    public sealed record ReachResponse(OriginDto Origin, int Minutes, string? Category, ProfileDto Profile, IReadOnlyList<ServiceDto> Services);

    private static (double Lon, double Lat) ParsePoint(string? lon, string? lat)
    {
        var ext = GeoFactory.DistrictExtent;
        static double Parse(string name, string? s, double min, double max)
        {
            if (string.IsNullOrWhiteSpace(s)) throw GeoException.BadInput(name, $"'{name}' is required");
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw GeoException.BadInput(name, $"'{s}' is not a number");
            if (v < min || v > max) throw GeoException.BadInput(name, $"must be within Tongzhou ({min}..{max}, WGS84)");
            return v;
        }
        return (Parse("lon", lon, ext.MinX, ext.MaxX), Parse("lat", lat, ext.MinY, ext.MaxY));
    }

    private static int[] ParseMinutes(string s, bool single = false)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 60)
                throw GeoException.BadInput("minutes", $"'{p}' is not a whole number of minutes in 1..60");
            values.Add(m);
        }
        if (values.Count == 0 || values.Count > 6 || (single && values.Count != 1))
            throw GeoException.BadInput("minutes", single ? "expected one number of minutes in 1..60" : "expected 1 to 6 comma-separated minutes, e.g. 5,10,15");
        return [.. values.Distinct().Order()];
    }

    private static WalkingProfile ParseProfile(string? s, WalkingOptions walking) =>
        walking.Profile(s ?? "adult") ?? throw GeoException.BadInput("profile", $"expected one of {string.Join(", ", walking.Profiles.Keys)}");

    private static OriginDto OriginJson(Snap o) => new(o.PointLon, o.PointLat, [o.Lon, o.Lat], Math.Round(o.AccessM, 1));

    private static ServiceDto ToJson(ReachableService s) => new(s.Id, s.Kind, s.Name, s.Element, s.Category, s.Lon, s.Lat, s.WalkM, s.Minutes);
}
