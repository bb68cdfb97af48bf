using Geo.Core.Common;
using Npgsql;

namespace Geo.Core.Walking;

/// <summary>An isochrone from the point where a walk starts on the network: its bands (innermost first) and the
/// services reached within the largest one.</summary>
public sealed record IsochroneResult(Snap Origin, IReadOnlyList<IsochroneBand> Bands, IReadOnlyList<ReachableService> Services);

/// <summary>What a walker reaches from a point on the walking network: isochrone bands with the services inside them
/// (GET /api/isochrone), and services of a life element or kind by walking time (GET /api/reach). Throws
/// <see cref="GeoException"/> Unavailable while the network is empty, Unprocessable when no street is near the point.</summary>
public sealed class WalkingReach(NpgsqlDataSource ds, WalkingGraphProvider graphs, WalkingOptions walking)
{
    /// <summary>How far a point may lie from the nearest walkable street.</summary>
    public const double MaxSnapM = 1000;

    private readonly IsochroneBuilder _isochrones = new(walking.CorridorM);

    /// <param name="minutes">the bands, ascending</param>
    /// <param name="readFrom">where the services may be read (the API's lag-tolerant routing to a standby); null: the primary</param>
    public async Task<IsochroneResult> IsochroneAsync(double lon, double lat, IReadOnlyList<int> minutes, WalkingProfile walker,
        NpgsqlDataSource? readFrom = null, CancellationToken ct = default)
    {
        var (graph, origin) = await SnapAsync(lon, lat, ct);
        var maxCutoff = minutes[^1] * walker.MetresPerMinute;
        using var reach = graph.Run(graph.Seeds(origin), maxCutoff);
        var bands = _isochrones.BuildBands(reach, origin, [.. minutes.Select(m => (m, m * walker.MetresPerMinute))]);
        var services = await ServiceReach.FindAsync(readFrom ?? ds, reach, origin, maxCutoff, walker.MetresPerMinute, null, ct);
        return new IsochroneResult(origin, bands, services);
    }

    /// <summary>Services within <paramref name="minutes"/>' walk, nearest first; <paramref name="element"/>: a life element
    /// or a service kind (null: all).</summary>
    public async Task<(Snap Origin, List<ReachableService> Services)> ServicesAsync(double lon, double lat, int minutes, WalkingProfile walker,
        string? element, CancellationToken ct = default)
    {
        var (graph, origin) = await SnapAsync(lon, lat, ct);
        var cutoff = minutes * walker.MetresPerMinute;
        using var reach = graph.Run(graph.Seeds(origin), cutoff);
        return (origin, await ServiceReach.FindAsync(ds, reach, origin, cutoff, walker.MetresPerMinute, element, ct));
    }

    private async Task<(WalkingGraph, Snap)> SnapAsync(double lon, double lat, CancellationToken ct)
    {
        var graph = await graphs.GetAsync(ct);
        if (graph.EdgeCount == 0)
            throw GeoException.Unavailable("network", "The walking network is empty: run ./geo network generate or ./geo network import FILE.");
        if (graph.SnapPoint(lon, lat, MaxSnapM) is not { } origin)
            throw GeoException.Unprocessable("lon", $"no walkable street within {MaxSnapM:F0} m of ({lon}, {lat})");
        return (graph, origin);
    }
}
