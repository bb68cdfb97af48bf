using Geo.Api.Hardening;
using Geo.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Hardening;

/// <summary>Every operation the host maps is classified where it is mapped: the heavy limit policy, the reports quota,
/// or <see cref="GeoLimits.Cheap{TBuilder}"/>. A new endpoint without either fails here, so an expensive one cannot be
/// forgotten the way <c>/api/reach</c> was by the old path-prefix list.</summary>
public sealed class EndpointLimitsTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    /// <summary>Operations known to cost seconds of CPU or database time (graph searches, geometry over whole regions,
    /// whole-collection exports): each must carry the heavy policy, whatever else changes around it.</summary>
    private static readonly string[] KnownHeavy =
    [
        "GET /api/isochrone", "GET /api/reach",
        "GET /api/coverage/wifi", "GET /api/coverage/cameras", "GET /api/coverage/reach", "POST /api/coverage/area",
        "GET /api/coverage/counts", "GET /api/coverage/shelters", "GET /api/coverage/sensors", "POST /api/coverage/suggest",
        "POST /api/query/within", "GET /api/export/{collectionId}",
        "GET /api/scorecard/choropleth", "GET /api/lifecircle/choropleth", "GET /api/incidents/stats/choropleth",
        "GET /api/care-registry/reach", "GET /api/care-registry/unreached", "GET /api/care-registry/export",
        "GET /api/deliveries/gaps", "POST /api/deliveries/", "GET /api/screens/{id}/message",
        "GET /embed/community/{code}", "GET /screen/{id}",
    ];

    private static readonly string[] KnownReports = ["POST /api/incidents/", "POST /open311/v2/requests.{format}"];

    private sealed record Operation(string Name, string? Policy, bool Cheap);

    private static List<Operation> Operations(IServiceProvider services) =>
    [
        .. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !Framework(e))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => new Operation(
                $"{m} {Route(e)}", GeoLimits.PolicyOf(e), e.Metadata.GetMetadata<CheapOperation>() is not null))),
    ];

    /// <summary>The route without its constraints: /open311/v2/requests.{format}, /api/incidents/{id}.</summary>
    private static string Route(RouteEndpoint e) =>
        "/" + System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText?.TrimStart('/') ?? "", @"\{(\*\*)?([^}:=?]+)[^}]*\}", "{$2}");

    /// <summary>The Blazor UI's own endpoints (pages, its hub and static files): the framework's, not operations of Geo.</summary>
    private static bool Framework(RouteEndpoint e) =>
        e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
        || e.RoutePattern.RawText?.TrimStart('/').StartsWith('_') == true
        || e.RoutePattern.RawText?.EndsWith("{**path:file}", StringComparison.Ordinal) == true
        || e.Metadata.Any(m => m.GetType().FullName == "Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor");

    [Fact]
    public async Task Every_operation_is_classified_and_the_known_heavy_ones_carry_the_heavy_policy()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        _ = app.Server; // builds the host and maps every endpoint
        var ops = Operations(app.Services);
        Assert.True(ops.Count >= 80, $"only {ops.Count} operations: {string.Join(", ", ops.Select(o => o.Name))}");

        var unclassified = ops.Where(o => o.Policy is null && !o.Cheap).Select(o => o.Name).ToList();
        Assert.True(unclassified.Count == 0, "operations with neither a limit policy nor .Cheap(): " + string.Join(", ", unclassified));
        var both = ops.Where(o => o.Policy is not null && o.Cheap).Select(o => o.Name).ToList();
        Assert.True(both.Count == 0, "operations marked both limited and cheap: " + string.Join(", ", both));
        var unknown = ops.Where(o => o.Policy is not (null or GeoLimits.Heavy or GeoLimits.Reports)).Select(o => $"{o.Name} ({o.Policy})").ToList();
        Assert.True(unknown.Count == 0, "operations naming a policy Geo does not define: " + string.Join(", ", unknown));

        var byName = ops.ToLookup(o => o.Name);
        var missingHeavy = KnownHeavy.Where(n => !byName[n].Any() || byName[n].Any(o => o.Policy != GeoLimits.Heavy)).ToList();
        Assert.True(missingHeavy.Count == 0, "expensive operations without the heavy policy (or not mapped): " + string.Join(", ", missingHeavy));
        var missingReports = KnownReports.Where(n => !byName[n].Any() || byName[n].Any(o => o.Policy != GeoLimits.Reports)).ToList();
        Assert.True(missingReports.Count == 0, "report operations without the reports quota: " + string.Join(", ", missingReports));
    }
}
