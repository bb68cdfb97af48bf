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

/// <summary>Rendered tiles in memory. Correctness rests on two things: the listener only lets the cache
/// be used while it is LISTENing (a gap in listening would lose evictions), and a tile rendered while an
/// eviction happened is not stored (it may hold the data from before the change).</summary>
public sealed class TileCache(TileOptions options)
{
    private readonly ConcurrentDictionary<(string Layer, TileAddress Tile), CachedTile> _tiles = new();
    private long _bytes;
    private long _generation;
    private volatile bool _listening;

    public bool Enabled => options.CacheEnabled && _listening;

    public long Generation => Interlocked.Read(ref _generation);

    private long _lastInvalidationTicks;

    /// <summary>When the cache last dropped tiles for a change (a tile read from a standby must reflect it).</summary>
    public DateTimeOffset LastInvalidation => new(Interlocked.Read(ref _lastInvalidationTicks), TimeSpan.Zero);

    private void Invalidated() => Interlocked.Exchange(ref _lastInvalidationTicks, DateTimeOffset.UtcNow.UtcTicks);

    public int Count => _tiles.Count;

    public bool TryGet(string layer, TileAddress tile, out CachedTile cached)
    {
        cached = null!;
        var hit = Enabled && _tiles.TryGetValue((layer, tile), out cached!);
        if (!hit) cached = null!;
        (hit ? Hardening.GeoMetrics.TileCacheHits : Hardening.GeoMetrics.TileCacheMisses).Add(1);
        return hit;
    }

    public void Store(string layer, TileAddress tile, CachedTile cached, long generationAtStart)
    {
        if (!Enabled || Generation != generationAtStart) return;
        if (Interlocked.Add(ref _bytes, cached.Bytes.Length) > options.CacheMaxBytes) Clear();
        _tiles[(layer, tile)] = cached;
        // an eviction may have run between the check above and the store
        if (Generation != generationAtStart) _tiles.TryRemove((layer, tile), out _);
    }

    /// <summary>Evicts every tile of <paramref name="source"/> whose buffered bounds touch <paramref name="changed"/>.</summary>
    public int Invalidate(TileSource source, Envelope changed)
    {
        Interlocked.Increment(ref _generation);
        Invalidated();
        var n = 0;
        foreach (var (key, value) in _tiles)
        {
            if (value.Source == source && key.Tile.Bounds(TileSql.BufferFraction).Intersects(changed) && _tiles.TryRemove(key, out var gone))
            {
                Interlocked.Add(ref _bytes, -gone.Bytes.Length);
                n++;
            }
        }
        return n;
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        Invalidated();
        _tiles.Clear();
        Interlocked.Exchange(ref _bytes, 0);
    }

    /// <summary>Whether invalidations are being heard (the cache serves only then).</summary>
    public bool Listening => _listening;

    internal void SetListening(bool listening)
    {
        if (!listening) Clear();
        _listening = listening;
    }
}
