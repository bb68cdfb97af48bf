using System.Collections.Concurrent;
using System.Security.Cryptography;
using Geo.Core.Tiles;
using NetTopologySuite.Geometries;

namespace Geo.Api.Tiles;

public sealed record CachedTile(byte[] Bytes, string ETag, TileSource Source)
{
    public static CachedTile From(byte[] bytes, TileSource source) =>
        new(bytes, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"", source);
}

/// <summary>What the cache holds and how often it answers, for /tiles/cache and the metrics.</summary>
public sealed record TileCacheStats(bool Enabled, int Tiles, long Bytes, long MaxBytes, long Hits, long Misses, double HitRate, long Evicted, long Invalidated);

/// <summary>Rendered tiles in memory, kept warm:
/// <list type="bullet">
/// <item>past the byte cap the least recently used tiles go (down to 3/4 of the cap), not the whole cache;</item>
/// <item>a change evicts only the tiles its extent touches, and a tile rendered while a change happened is
/// not stored only when that change touches it (the recent changes are kept in a short ring, and a store that
/// cannot see back far enough is dropped, the safe side), instead of one global generation that stopped every
/// store during a busy import.</item>
/// </list>
/// Correctness still rests on the listener: the cache serves only while it is LISTENing.</summary>
public sealed class TileCache(TileOptions options)
{
    private sealed class Entry(CachedTile tile, long used)
    {
        public CachedTile Tile { get; } = tile;
        public long Used = used;
    }

    private const int RecentChanges = 256;

    private readonly ConcurrentDictionary<(string Layer, TileAddress Tile), Entry> _tiles = new();
    private readonly (long Generation, TileSource Source, Envelope? Extent)[] _recent = new (long, TileSource, Envelope?)[RecentChanges];
    private readonly Lock _trim = new();
    private long _bytes, _generation, _clock, _hits, _misses, _evicted, _invalidated;
    private volatile bool _listening;

    public bool Enabled => options.CacheEnabled && _listening;

    public long Generation => Interlocked.Read(ref _generation);

    private long _lastInvalidationTicks;

    /// <summary>When the cache last dropped tiles for a change (a tile read from a standby must reflect it).</summary>
    public DateTimeOffset LastInvalidation => new(Interlocked.Read(ref _lastInvalidationTicks), TimeSpan.Zero);

    private void Invalidated() => Interlocked.Exchange(ref _lastInvalidationTicks, DateTimeOffset.UtcNow.UtcTicks);

    public int Count => _tiles.Count;

    public TileCacheStats Stats
    {
        get
        {
            long hits = Interlocked.Read(ref _hits), misses = Interlocked.Read(ref _misses);
            return new(Enabled, _tiles.Count, Interlocked.Read(ref _bytes), options.CacheMaxBytes, hits, misses,
                hits + misses == 0 ? 0 : Math.Round((double)hits / (hits + misses), 4), Interlocked.Read(ref _evicted), Interlocked.Read(ref _invalidated));
        }
    }

    public bool TryGet(string layer, TileAddress tile, out CachedTile cached)
    {
        cached = null!;
        if (Enabled && _tiles.TryGetValue((layer, tile), out var e))
        {
            e.Used = Interlocked.Increment(ref _clock);
            cached = e.Tile;
            Interlocked.Increment(ref _hits);
            Hardening.GeoMetrics.TileCacheHits.Add(1);
            return true;
        }
        Interlocked.Increment(ref _misses);
        Hardening.GeoMetrics.TileCacheMisses.Add(1);
        return false;
    }

    public void Store(string layer, TileAddress tile, CachedTile cached, long generationAtStart)
    {
        if (!Enabled || ChangedSince(generationAtStart, cached.Source, tile)) return;
        var key = (layer, tile);
        var entry = new Entry(cached, Interlocked.Increment(ref _clock));
        _tiles.AddOrUpdate(key, _ => { Interlocked.Add(ref _bytes, cached.Bytes.Length); return entry; },
            (_, old) => { Interlocked.Add(ref _bytes, cached.Bytes.Length - old.Tile.Bytes.Length); return entry; });
        // a change may have been recorded between the check above and the store
        if (ChangedSince(generationAtStart, cached.Source, tile) && _tiles.TryRemove(new KeyValuePair<(string, TileAddress), Entry>(key, entry)))
            Interlocked.Add(ref _bytes, -cached.Bytes.Length);
        if (Interlocked.Read(ref _bytes) > options.CacheMaxBytes) TrimToRecent();
    }

    /// <summary>Whether a change recorded after <paramref name="generation"/> touches the tile (or cannot be known).</summary>
    private bool ChangedSince(long generation, TileSource source, TileAddress tile)
    {
        var now = Generation;
        if (now == generation) return false;
        if (now - generation > RecentChanges) return true;
        var bounds = tile.Bounds(TileSql.BufferFraction);
        for (var g = generation + 1; g <= now; g++)
        {
            var (recorded, s, extent) = _recent[g % RecentChanges];
            if (recorded != g) return true; // overwritten or not yet written: be safe
            if (extent is null || (s == source && bounds.Intersects(extent))) return true;
        }
        return false;
    }

    private void Record(TileSource source, Envelope? extent)
    {
        lock (_trim)
        {
            var g = _generation + 1;
            _recent[g % RecentChanges] = (g, source, extent);
            Interlocked.Exchange(ref _generation, g);
        }
    }

    /// <summary>Drops least recently used tiles until the cache is at 3/4 of its cap.</summary>
    private void TrimToRecent()
    {
        lock (_trim)
        {
            var target = options.CacheMaxBytes * 3 / 4;
            if (Interlocked.Read(ref _bytes) <= options.CacheMaxBytes) return;
            foreach (var (key, e) in _tiles.ToArray().OrderBy(kv => kv.Value.Used))
            {
                if (Interlocked.Read(ref _bytes) <= target) break;
                if (_tiles.TryRemove(new KeyValuePair<(string, TileAddress), Entry>(key, e)))
                {
                    Interlocked.Add(ref _bytes, -e.Tile.Bytes.Length);
                    Interlocked.Increment(ref _evicted);
                }
            }
        }
    }

    /// <summary>Evicts every tile of <paramref name="source"/> whose buffered bounds touch <paramref name="changed"/>.</summary>
    public int Invalidate(TileSource source, Envelope changed)
    {
        Record(source, changed);
        Invalidated();
        var n = 0;
        foreach (var (key, value) in _tiles)
        {
            if (value.Tile.Source == source && key.Tile.Bounds(TileSql.BufferFraction).Intersects(changed)
                && _tiles.TryRemove(new KeyValuePair<(string, TileAddress), Entry>(key, value)))
            {
                Interlocked.Add(ref _bytes, -value.Tile.Bytes.Length);
                n++;
            }
        }
        Interlocked.Add(ref _invalidated, n);
        return n;
    }

    public void Clear()
    {
        Record(TileSource.Assets, null); // a change everywhere
        Invalidated();
        foreach (var (key, value) in _tiles)
            if (_tiles.TryRemove(new KeyValuePair<(string, TileAddress), Entry>(key, value)))
                Interlocked.Add(ref _bytes, -value.Tile.Bytes.Length);
    }

    /// <summary>Whether invalidations are being heard (the cache serves only then).</summary>
    public bool Listening => _listening;

    internal void SetListening(bool listening)
    {
        if (!listening) Clear();
        _listening = listening;
    }
}
