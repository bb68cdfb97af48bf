using Geo.Core.Tiles;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.IO.VectorTiles.Mapbox;

namespace Geo.Tests.Api;

internal static class TileTestSupport
{
    /// <summary>Tongzhou's urban core (the Canal business district): every tile test works around here.</summary>
    public static readonly TileAddress Z16 = Tile(116.700, 39.905, 16);

    public static TileAddress Tile(double lon, double lat, int z)
    {
        var (x, y) = TileAddress.TileOf(lon, lat, z);
        return new TileAddress(z, x, y);
    }

    public static (double Lon, double Lat) Inside(TileAddress t, double fx, double fy) => Infrastructure.AssetFixtures.Inside(t, fx, fy);

    /// <summary>MVT layer name → feature count, decoded with NetTopologySuite's reader.</summary>
    public static Dictionary<string, int> Decode(byte[] mvt, TileAddress t)
    {
        if (mvt.Length == 0) return [];
        using var s = new MemoryStream(mvt);
        var tile = new MapboxTileReader().Read(s, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(t.X, t.Y, t.Z));
        return tile.Layers.ToDictionary(l => l.Name, l => l.Features.Count);
    }

    /// <summary>The features of one layer; an MVT feature id, where set, is the attribute <c>fid</c>.</summary>
    public static List<NetTopologySuite.Features.IFeature> Features(byte[] mvt, TileAddress t, string layer)
    {
        using var s = new MemoryStream(mvt);
        var tile = new MapboxTileReader().Read(s, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(t.X, t.Y, t.Z), "fid");
        return tile.Layers.SingleOrDefault(l => l.Name == layer)?.Features.ToList() ?? [];
    }

    /// <summary>The MVT feature id, null where the feature has none (the reader gives those 0).</summary>
    public static long? FeatureId(NetTopologySuite.Features.IFeature f) =>
        f.Attributes.Exists("fid") && Convert.ToInt64(f.Attributes["fid"], System.Globalization.CultureInfo.InvariantCulture) is var id and > 0 ? id : null;

    /// <summary>Waits for the host's invalidation listener to be LISTENing, so a change made next is heard.</summary>
    public static Task ListeningAsync(IServiceProvider services) =>
        services.GetRequiredService<Geo.Jobs.Live.DbNotificationListener>().Listening.WaitAsync(TimeSpan.FromSeconds(30));

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)); // generous: it returns as soon as done, and a loaded runner is slow
        while (true)
        {
            var v = await probe();
            if (done(v) || DateTime.UtcNow > until) return v;
            await Task.Delay(100);
        }
    }
}
