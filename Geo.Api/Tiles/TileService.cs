using Geo.Api.Scale;
using Geo.Core.Tiles;

namespace Geo.Api.Tiles;

public enum TileOrigin { Cache, Seed, Render }

/// <summary>Memory cache, then seeded tiles on disk, then PostGIS (the standby when it has replayed every change
/// the cache has heard of, see <see cref="GeoReads.ForCachedTile"/>).</summary>
public sealed class TileService(TileRenderer renderer, TileCache cache, TileSeedStore seeds, GeoReads reads)
{
    private readonly TileRenderer? _onReplica = reads.Replica is { } r ? new TileRenderer(r, renderer.Layers) : null;

    public TileLayers Layers => renderer.Layers;

    public async Task<(CachedTile Tile, TileOrigin Origin)> GetAsync(TileLayer layer, TileAddress t, CancellationToken ct)
    {
        if (cache.TryGet(layer.Id, t, out var hit)) return (hit, TileOrigin.Cache);
        var generation = cache.Generation;
        var origin = TileOrigin.Seed;
        var bytes = await seeds.TryReadAsync(layer.Id, t, ct);
        if (bytes is null)
        {
            origin = TileOrigin.Render;
            var onReplica = _onReplica is not null && reads.ForCachedTile(cache.LastInvalidation) != reads.Primary;
            bytes = await (onReplica ? _onReplica! : renderer).RenderAsync(layer, t, ct);
        }
        var tile = CachedTile.From(bytes, layer.Source);
        cache.Store(layer.Id, t, tile, generation);
        return (tile, origin);
    }
}
