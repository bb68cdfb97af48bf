using System.Globalization;
using System.Text.Json;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetTopologySuite.IO.Converters;
using Npgsql;

namespace Geo.Api;

/// <summary>The 15-minute life circle over the walking network: isochrone bands with the services inside
/// them, and services sorted by walking time for one life element.</summary>
public static class WalkingApi
{
    private const double MaxSnapM = 1000;

    private static readonly JsonSerializerOptions GeoJson = CreateGeoJsonOptions();

    public static RouteGroupBuilder MapWalkingApi(this IEndpointRouteBuilder app)
    {
        var sp = app.ServiceProvider;
        // One graph per process. Self-registering keeps Program.cs to a single line for this feature.
        var graphs = sp.GetService<WalkingGraphProvider>() ?? new WalkingGraphProvider(sp.GetRequiredService<NpgsqlDataSource>());
        var config = sp.GetRequiredService<IConfiguration>();
        var profiles = new Dictionary<string, WalkingProfile>(StringComparer.OrdinalIgnoreCase)
        {
            ["adult"] = new("adult", config.GetValue("Walking:Profiles:adult", 4.5)),
            ["elderly"] = new("elderly", config.GetValue("Walking:Profiles:elderly", 3.0)),
        };
        var isochrones = new IsochroneBuilder(config.GetValue("Walking:CorridorM", 40.0));
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

        var group = app.MapGroup("/api").WithTags("Walking");

        group.MapGet("/isochrone", async (string? lon, string? lat, string? minutes, string? profile, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var point = ParsePoint(lon, lat, errors);
            var bands = ParseMinutes(minutes ?? "5,10,15", errors);
            var walker = ParseProfile(profile, profiles, errors);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var (graph, origin, problem) = await SnapAsync(graphs, point, ct);
            if (problem is not null) return problem;

            var maxCutoff = bands[^1] * walker!.MetresPerMinute;
            using var reach = graph!.Run(graph.Seeds(origin), maxCutoff);
            var features = isochrones.BuildBands(reach, origin, [.. bands.Select(m => (m, m * walker.MetresPerMinute))]).Reverse()
                .Select(b => new
                {
                    type = "Feature",
                    geometry = b.Polygon,
                    properties = new { minutes = b.Minutes, cutoff_m = Math.Round(b.CutoffM, 1), reached_nodes = b.ReachedNodes, profile = walker.Name },
                }).ToList();
            var services = await ServiceReach.FindAsync(sp.GetRequiredService<NpgsqlDataSource>(), reach, origin, maxCutoff, walker.MetresPerMinute, null, ct);
            var grouped = ServiceReach.Elements.ToDictionary(e => e, e => services.Where(s => s.Element == e).Select(ToJson).ToList());
            return Results.Json(new
            {
                type = "FeatureCollection",
                features,
                origin = OriginJson(origin),
                profile = new { name = walker.Name, speed_kmh = walker.SpeedKmh },
                services = grouped,
            }, GeoJson, "application/geo+json");
        });

        group.MapGet("/reach", async (string? lon, string? lat, string? category, string? minutes, string? profile, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var point = ParsePoint(lon, lat, errors);
            var limit = ParseMinutes(minutes ?? "15", errors, single: true);
            var walker = ParseProfile(profile, profiles, errors);
            if (category is not null && Array.IndexOf(ServiceReach.Elements, category) < 0 && Array.IndexOf(ServiceReach.ServiceKinds, category) < 0)
                errors["category"] = [$"expected a life element ({string.Join(", ", ServiceReach.Elements)}) or a service kind ({string.Join(", ", ServiceReach.ServiceKinds)})"];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var (graph, origin, problem) = await SnapAsync(graphs, point, ct);
            if (problem is not null) return problem;

            var cutoff = limit[0] * walker!.MetresPerMinute;
            using var reach = graph!.Run(graph.Seeds(origin), cutoff);
            var services = await ServiceReach.FindAsync(sp.GetRequiredService<NpgsqlDataSource>(), reach, origin, cutoff, walker.MetresPerMinute, category, ct);
            return Results.Json(new
            {
                origin = OriginJson(origin),
                minutes = limit[0],
                category,
                profile = new { name = walker.Name, speed_kmh = walker.SpeedKmh },
                services = services.Select(ToJson),
            }, GeoJson);
        });
        return group;
    }

    private static async Task<(WalkingGraph?, Snap, IResult?)> SnapAsync(WalkingGraphProvider graphs, (double Lon, double Lat) p, CancellationToken ct)
    {
        var graph = await graphs.GetAsync(ct);
        if (graph.EdgeCount == 0)
            return (null, default, Results.Problem("The walking network is empty: run ./geo network generate or ./geo network import FILE.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "No walking network"));
        if (graph.SnapPoint(p.Lon, p.Lat, MaxSnapM) is not { } origin)
            return (null, default, Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["lon"] = [$"no walkable street within {MaxSnapM:F0} m of ({p.Lon}, {p.Lat})"],
                ["lat"] = [$"no walkable street within {MaxSnapM:F0} m of ({p.Lon}, {p.Lat})"],
            }, statusCode: StatusCodes.Status422UnprocessableEntity));
        return (graph, origin, null);
    }

    private static (double Lon, double Lat) ParsePoint(string? lon, string? lat, Dictionary<string, string[]> errors)
    {
        var ext = GeoFactory.DistrictExtent;
        double Parse(string name, string? s, double min, double max)
        {
            if (string.IsNullOrWhiteSpace(s)) errors[name] = ["is required"];
            else if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) errors[name] = [$"'{s}' is not a number"];
            else if (v < min || v > max) errors[name] = [$"must be within Tongzhou ({min}..{max}, WGS84)"];
            else return v;
            return double.NaN;
        }
        return (Parse("lon", lon, ext.MinX, ext.MaxX), Parse("lat", lat, ext.MinY, ext.MaxY));
    }

    private static int[] ParseMinutes(string s, Dictionary<string, string[]> errors, bool single = false)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 60)
            {
                errors["minutes"] = [$"'{p}' is not a whole number of minutes in 1..60"];
                return [];
            }
            values.Add(m);
        }
        if (values.Count == 0 || values.Count > 6 || (single && values.Count != 1))
            errors["minutes"] = [single ? "expected one number of minutes in 1..60" : "expected 1 to 6 comma-separated minutes, e.g. 5,10,15"];
        return [.. values.Distinct().Order()];
    }

    private static WalkingProfile? ParseProfile(string? s, Dictionary<string, WalkingProfile> profiles, Dictionary<string, string[]> errors)
    {
        if (profiles.TryGetValue(s ?? "adult", out var p)) return p;
        errors["profile"] = [$"expected one of {string.Join(", ", profiles.Keys)}"];
        return null;
    }

    private static object OriginJson(Snap o) => new
    {
        lon = o.PointLon, lat = o.PointLat, snapped = new[] { o.Lon, o.Lat }, access_m = Math.Round(o.AccessM, 1),
    };

    private static object ToJson(ReachableService s) => new
    {
        id = s.Id, kind = s.Kind, name = s.Name, element = s.Element, category = s.Category,
        lon = s.Lon, lat = s.Lat, walk_m = s.WalkM, minutes = s.Minutes,
    };

    private static JsonSerializerOptions CreateGeoJsonOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        o.Converters.Add(new GeoJsonConverterFactory(GeoFactory.Wgs84));
        return o;
    }
}
