using System.Diagnostics.Metrics;

namespace Geo.Api.Hardening;

/// <summary>Geo's own instruments (meter <c>Geo</c>), exported with ASP.NET Core's, Npgsql's and the runtime's
/// at <c>/metrics</c> (Prometheus text, staff only).</summary>
public static class GeoMetrics
{
    public const string MeterName = "Geo";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> TileCacheHits = Meter.CreateCounter<long>("geo.tiles.cache.hits", description: "tiles served from the in-memory cache");
    public static readonly Counter<long> TileCacheMisses = Meter.CreateCounter<long>("geo.tiles.cache.misses", description: "tiles rendered by PostGIS");
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("geo.requests.rejected", description: "requests refused by a limit (tag reason)");
    public static readonly Counter<long> HeavyCacheHits = Meter.CreateCounter<long>("geo.heavy.cache.hits", description: "expensive results shared with an identical request");
    public static readonly Counter<long> SignInFailures = Meter.CreateCounter<long>("geo.signin.failures", description: "failed sign-ins");

    private static int _heavyInFlight, _hashQueue;
    internal static volatile bool DatabaseUp = true;

    static GeoMetrics()
    {
        Meter.CreateObservableGauge("geo.heavy.in_flight", () => Volatile.Read(ref _heavyInFlight), description: "expensive requests running or queued");
        Meter.CreateObservableGauge("geo.signin.hash_queue", () => Volatile.Read(ref _hashQueue), description: "password checks waiting for a hashing thread");
        Meter.CreateObservableGauge("geo.database.up", () => DatabaseUp ? 1 : 0, description: "1 while the database probe succeeds");
    }

    internal static void HeavyEntered() => Interlocked.Increment(ref _heavyInFlight);
    internal static void HeavyLeft() => Interlocked.Decrement(ref _heavyInFlight);
    internal static void HashQueued(int delta) => Interlocked.Add(ref _hashQueue, delta);
}
