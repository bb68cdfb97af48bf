using Geo.Api.Tiles;
using Geo.Core.Tiles;
using NetTopologySuite.Geometries;
using static Geo.Tests.Api.TileTestSupport;

namespace Geo.Tests.Api;

/// <summary>The tile cache stays warm (issue 15): least recently used tiles go past the cap, not the whole
/// cache; a change far away neither evicts a tile nor stops it being stored. Pure memory: no database here.</summary>
public sealed class TileCacheTests
{
    private static TileCache Listening(long maxBytes)
    {
        var cache = new TileCache(new TileOptions { CacheMaxBytes = maxBytes });
        cache.SetListening(true);
        return cache;
    }

    private static CachedTile Bytes(int n) => CachedTile.From(new byte[n], TileSource.Assets);

    [Fact]
    public void Past_the_cap_the_least_recently_used_tiles_go_and_a_busy_one_stays()
    {
        var cache = Listening(1024 * 1024);
        var busy = Z16;
        cache.Store("assets", busy, Bytes(100_000), cache.Generation);
        for (var i = 1; i <= 30; i++)
        {
            Assert.True(cache.TryGet("assets", busy, out _), $"the busy tile was evicted after {i} stores");
            cache.Store("assets", busy with { X = busy.X + i }, Bytes(100_000), cache.Generation);
        }
        var stats = cache.Stats;
        Assert.InRange(stats.Bytes, 1, 1024 * 1024);
        Assert.InRange(stats.Tiles, 7, 10); // trimmed to 3/4 of the cap, not emptied
        Assert.True(stats.Evicted > 0);
        Assert.False(cache.TryGet("assets", busy with { X = busy.X + 1 }, out _)); // the oldest untouched one went
        Assert.True(cache.TryGet("assets", busy with { X = busy.X + 30 }, out _));
        Assert.Equal(31, cache.Stats.Hits);
        Assert.Equal(1, cache.Stats.Misses);
        Assert.Equal(Math.Round(31.0 / 32, 4), cache.Stats.HitRate);
    }

    [Fact]
    public void A_change_elsewhere_neither_evicts_a_tile_nor_stops_one_being_stored()
    {
        var cache = Listening(64L * 1024 * 1024);
        var here = Z16;
        var there = here with { X = here.X + 40 };
        cache.Store("assets", here, Bytes(10), cache.Generation);

        // a render of `there` started, then a change far from it (at `here`) landed: the render is still good
        var started = cache.Generation;
        Assert.Equal(1, cache.Invalidate(TileSource.Assets, here.Bounds()));
        cache.Store("assets", there, Bytes(10), started);
        Assert.True(cache.TryGet("assets", there, out _), "a change elsewhere stopped the store");

        // a render of `here` that overlapped a change at `here` may hold the old data: not stored
        started = cache.Generation;
        cache.Invalidate(TileSource.Assets, here.Bounds());
        cache.Store("assets", here, Bytes(10), started);
        Assert.False(cache.TryGet("assets", here, out _));

        // a regions change does not touch asset tiles
        Assert.Equal(0, cache.Invalidate(TileSource.Regions, there.Bounds()));
        Assert.True(cache.TryGet("assets", there, out _));

        // more changes than the ring remembers: the safe side (not stored)
        started = cache.Generation;
        for (var i = 0; i < 300; i++) cache.Invalidate(TileSource.Assets, new Envelope(0, 1, 0, 1));
        cache.Store("assets", here, Bytes(10), started);
        Assert.False(cache.TryGet("assets", here, out _));
    }
}
