using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.SessionAffinity;
using Yarp.ReverseProxy.Transforms;

namespace Geo.Gateway;

/// <summary>Settings: <c>Gateway:Nodes</c> (comma-separated node URLs), <c>Gateway:HealthInterval</c>,
/// <c>Gateway:HealthTimeout</c>; <c>ConnectionStrings:Primary</c> / <c>ConnectionStrings:Standby</c> for the replica
/// report in /health (optional).</summary>
public sealed record GatewayOptions(IReadOnlyList<Uri> Nodes, TimeSpan HealthInterval, TimeSpan HealthTimeout, string? Primary, string? Standby)
{
    public static GatewayOptions From(IConfiguration c)
    {
        var nodes = (c["Gateway:Nodes"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => Uri.TryCreate(n, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
                ? u : throw new InvalidOperationException($"invalid configuration in Gateway:Nodes: '{n}' is not an http(s) URL"))
            .ToList();
        if (nodes.Count == 0) throw new InvalidOperationException("invalid configuration in Gateway:Nodes: no node (e.g. http://127.0.0.1:5081,http://127.0.0.1:5082)");
        var interval = c.GetValue("Gateway:HealthInterval", TimeSpan.FromSeconds(2));
        var timeout = c.GetValue("Gateway:HealthTimeout", TimeSpan.FromSeconds(1.5));
        if (interval <= TimeSpan.Zero || timeout <= TimeSpan.Zero)
            throw new InvalidOperationException("invalid configuration in Gateway: HealthInterval and HealthTimeout must be positive");
        return new GatewayOptions(nodes, interval, timeout, c.GetConnectionString("Primary"), c.GetConnectionString("Standby"));
    }
}

public static class GatewayProxy
{
    /// <summary>Round robin over healthy nodes, no affinity: the API, OGC, tiles, Open311.</summary>
    public const string ApiCluster = "api";

    /// <summary>Everything else (Blazor pages, the circuit's WebSocket, static files, sign-in): sticky per browser
    /// (cookie <see cref="AffinityCookie"/>), moved to another node when its node fails.</summary>
    public const string AppCluster = "app";

    public const string AffinityCookie = "geo_node";

    public const string NodeHeader = "X-Geo-Node";

    private static readonly string[] RoundRobinPrefixes = ["/api", "/ogc", "/tiles", "/open311", "/openapi"];

    public static IServiceCollection AddGatewayProxy(this IServiceCollection services, GatewayOptions o)
    {
        var transforms = new[] { new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" } };
        var routes = RoundRobinPrefixes.Select((p, i) => new RouteConfig
        {
            RouteId = "rr" + i, ClusterId = ApiCluster, Order = 1, Transforms = transforms,
            Match = new RouteMatch { Path = p + "/{**rest}" },
        }).Append(new RouteConfig
        {
            RouteId = "app", ClusterId = AppCluster, Order = 100, Transforms = transforms,
            Match = new RouteMatch { Path = "/{**rest}" },
        }).ToList();
        ClusterConfig Cluster(string id, SessionAffinityConfig? affinity) => new()
        {
            ClusterId = id,
            LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
            SessionAffinity = affinity,
            HealthCheck = new HealthCheckConfig
            {
                // a node's /health is 200 only while it reaches the primary: a node without its database is taken out too
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true, Interval = o.HealthInterval, Timeout = o.HealthTimeout,
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures, Path = "/health",
                },
                // a node that refuses connections is out before the next probe
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true, Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate, ReactivationPeriod = o.HealthInterval * 5,
                },
            },
            Metadata = new Dictionary<string, string>
            {
                [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] = "1",
                [TransportFailureRateHealthPolicyOptions.FailureRateLimitMetadataName] = "0.2",
            },
            Destinations = o.Nodes.Select((n, i) => (n, i)).ToDictionary(x => "node" + (x.i + 1), x => new DestinationConfig { Address = x.n.ToString() }),
        };
        var clusters = new[]
        {
            Cluster(ApiCluster, null),
            Cluster(AppCluster, new SessionAffinityConfig
            {
                Enabled = true, Policy = SessionAffinityConstants.Policies.HashCookie, FailurePolicy = SessionAffinityConstants.FailurePolicies.Redistribute,
                AffinityKeyName = AffinityCookie,
                Cookie = new SessionAffinityCookieConfig { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true },
            }),
        };
        services.Configure<TransportFailureRateHealthPolicyOptions>(t =>
        {
            t.DetectionWindowSize = TimeSpan.FromSeconds(10);
            t.MinimalTotalCountThreshold = 3;
        });
        // which node answered (X-Geo-Node): for operators and for the failover tests
        services.AddReverseProxy().LoadFromMemory(routes, clusters).AddTransforms(t => t.AddResponseTransform(ctx =>
        {
            if (ctx.HttpContext.Features.Get<IReverseProxyFeature>()?.ProxiedDestination is { } d)
                ctx.HttpContext.Response.Headers[NodeHeader] = d.DestinationId;
            return ValueTask.CompletedTask;
        }));
        return services;
    }
}

public sealed record NodeHealth(string Name, string Address, string Health, string Active, string Passive, JsonElement? Report);

public sealed record GatewayHealth(string Status, IReadOnlyList<NodeHealth> Nodes, ReplicaReport? Replica);

public static class GatewayHealthApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary><c>GET /health</c>: every node as the gateway sees it (active probe, passive failures) with the node's own
    /// report (its database, where its lag-tolerant reads go), and the replica's state and lag. 503 when no node is healthy.</summary>
    public static void MapGatewayHealth(this IEndpointRouteBuilder app) => app.MapGet("/health", async (IProxyStateLookup proxy,
        IHttpClientFactory http, ReplicaProbe replica, CancellationToken ct) =>
    {
        if (!proxy.TryGetCluster(GatewayProxy.ApiCluster, out var cluster)) return Results.Problem(statusCode: 503, title: "no cluster");
        var client = http.CreateClient("nodes");
        var nodes = await Task.WhenAll(cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal).Select(async d =>
        {
            var address = d.Model.Config.Address;
            JsonElement? report = null;
            try
            {
                using var r = await client.GetAsync(new Uri(new Uri(address), "health"), ct);
                report = JsonSerializer.Deserialize<JsonElement>(await r.Content.ReadAsStringAsync(ct));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                // down or hung: the probe state says so
            }
            var active = d.Health.Active;
            var passive = d.Health.Passive;
            var healthy = active != DestinationHealth.Unhealthy && passive != DestinationHealth.Unhealthy && (active == DestinationHealth.Healthy || report is not null);
            return new NodeHealth(d.DestinationId, address, healthy ? "healthy" : "unhealthy", active.ToString().ToLowerInvariant(),
                passive.ToString().ToLowerInvariant(), report);
        }));
        var rep = await replica.ReportAsync(ct);
        var up = nodes.Count(n => n.Health == "healthy");
        var status = up == 0 ? "unavailable" : up < nodes.Length || rep is { Status: not "streaming" } ? "degraded" : "ok";
        return Results.Json(new GatewayHealth(status, nodes, rep), Json, statusCode: up == 0 ? 503 : 200);
    });
}
