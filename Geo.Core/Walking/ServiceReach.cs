using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Geo.Core.Walking;

public sealed record ReachableService(long Id, string Kind, string Name, string Element, string? Category, double Lon, double Lat, double WalkM, double Minutes);

/// <summary>Services (shops, service stations, kiosks, shelters, …) a walk reaches, each snapped to the
/// network like the origin and timed along it.</summary>
public static class ServiceReach
{
    public static readonly string[] ServiceKinds = ["shop", "service_station", "kiosk", "shelter", "vegetable_garden", "payment_terminal", "civil_defence"];

    /// <summary>The seven life elements (吃 住 行 游 购 娱 健) plus "other" for kinds outside them.</summary>
    public static readonly string[] Elements = ["eat", "live", "travel", "leisure", "shop", "entertainment", "health", "other"];

    /// <summary>Shops carry their element; a community service station serves 住 (daily living), a vegetable
    /// garden 吃; kiosks, terminals, shelters and civil defence fall outside the seven.</summary>
    public static string ElementOf(string kind, string? category) => kind switch
    {
        "shop" when category is not null && Array.IndexOf(Elements, category) is >= 0 and < 7 => category,
        "service_station" => "live",
        "vegetable_garden" => "eat",
        _ => "other",
    };

    // Services are snapped once per graph and asset position, then reach is two array lookups per service.
    // Keyed by position too, so a moved asset is snapped again; the table dies with its graph.
    private static readonly ConditionalWeakTable<WalkingGraph, ConcurrentDictionary<(long, double, double), Snap?>> Snaps = new();

    internal static Snap? SnapCached(WalkingGraph g, long id, double lon, double lat) =>
        Snaps.GetOrCreateValue(g).GetOrAdd((id, lon, lat), k => g.SnapPoint(k.Item2, k.Item3, maxDistanceM: 300));

    public static async Task<List<ReachableService>> FindAsync(NpgsqlDataSource ds, Reach reach, Snap origin, double cutoffM,
        double metresPerMinute, string? element, CancellationToken ct)
    {
        var g = reach.Graph;
        // walking distance is never shorter than the straight line: a bbox of the cutoff radius is enough
        var (kx, ky) = Geodesy.MetresPerDegree(origin.PointLat);
        await using var cmd = ds.CreateCommand("""
            SELECT id, kind, name, attributes->>'category', ST_X(p), ST_Y(p)
            FROM (SELECT id, kind, name, attributes, ST_PointOnSurface(geom) AS p FROM assets
                  WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND kind = ANY($5) AND status = 'online') a
            """);
        cmd.Parameters.AddWithValue(origin.PointLon - cutoffM / kx);
        cmd.Parameters.AddWithValue(origin.PointLat - cutoffM / ky);
        cmd.Parameters.AddWithValue(origin.PointLon + cutoffM / kx);
        cmd.Parameters.AddWithValue(origin.PointLat + cutoffM / ky);
        cmd.Parameters.AddWithValue(ServiceKinds);
        var found = new List<ReachableService>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var kind = r.GetString(1);
            var category = r.IsDBNull(3) ? null : r.GetString(3);
            var el = ElementOf(kind, category);
            if (element is not null && el != element && kind != element) continue;
            var (lon, lat) = (r.GetDouble(4), r.GetDouble(5));
            if (SnapCached(g, r.GetInt64(0), lon, lat) is not { } dest) continue;
            var walk = g.CostTo(reach, origin, dest);
            if (walk > cutoffM) continue;
            found.Add(new ReachableService(r.GetInt64(0), kind, r.GetString(2), el, category, lon, lat, Math.Round(walk, 1), Math.Round(walk / metresPerMinute, 1)));
        }
        found.Sort((a, b) => a.WalkM.CompareTo(b.WalkM));
        return found;
    }
}
