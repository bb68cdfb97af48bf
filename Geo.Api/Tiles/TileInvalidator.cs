using System.Globalization;
using Geo.Core.Live;
using Geo.Core.Data.Sql;
using Geo.Core.Tiles;
using Microsoft.Extensions.Logging;
using NetTopologySuite.Geometries;

namespace Geo.Api.Tiles;

/// <summary>Evicts the cached and seeded tiles each change touches: a subscriber of the change feed's tile topic (written
/// by <see cref="TileTriggers"/>), which the app instance's one feed reader (Geo.Jobs' <c>DbNotificationListener</c>)
/// delivers. While the reader is not following the feed the cache is off, and after a gap it is cleared: a change made
/// meanwhile was never heard of.</summary>
public sealed class TileInvalidator(TileCache cache, TileSeedStore seeds, TileLayers layers,
    ILogger<TileInvalidator> log) : IDbNotificationSubscriber
{
    public string Channel => TileTriggers.Channel;

    public void OnNotification(string payload) => Apply(payload);

    public void OnListening(bool listening, bool afterGap)
    {
        if (afterGap) cache.Clear();
        cache.SetListening(listening);
        if (!listening) log.LogWarning("tile invalidation is not listening: tile cache off until it is");
    }

    /// <summary>Payload: "table xmin ymin xmax ymax" (lon/lat).</summary>
    internal void Apply(string payload)
    {
        var p = payload.Split(' ');
        if (p.Length != 5 || !TryD(p[1], out var x0) || !TryD(p[2], out var y0) || !TryD(p[3], out var x1) || !TryD(p[4], out var y1))
        {
            log.LogWarning("unreadable tile notification '{Payload}': clearing the tile cache", payload);
            cache.Clear();
            return;
        }
        // the basemap is drawn from regions and (from z15) the walking network's streets
        // (and its landmarks from named assets: an asset change evicts the basemap there too)
        var source = p[0] is "regions" or "walk_edges" ? TileSource.Regions : TileSource.Assets;
        var changed = new Envelope(x0, x1, y0, y1);
        changed.ExpandBy(1e-7); // box2d extents are float4-rounded
        var evicted = cache.Invalidate(source, changed);
        var deleted = seeds.Invalidate(layers.All.Where(l => l.Source == source), changed);
        if (source == TileSource.Assets)
        {
            evicted += cache.Invalidate(TileSource.Regions, changed);
            deleted += seeds.Invalidate(layers.All.Where(l => l.Source == TileSource.Regions), changed);
        }
        log.LogDebug("{Table} changed in {Envelope}: {Evicted} cached and {Deleted} seeded tiles dropped", p[0], changed, evicted, deleted);
    }

    private static bool TryD(string s, out double d) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d);
}
