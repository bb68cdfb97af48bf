using System.Runtime.InteropServices;

namespace Geo.Core.Walking;

public readonly record struct LifeCircleBuilding(long Id, long? CommunityId, int Residents, double Lon, double Lat);

/// <param name="Element">index into <see cref="LifeCircleAnalysis.Elements"/> (0..6)</param>
public readonly record struct LifeCircleService(long Id, int Element, double Lon, double Lat);

/// <summary>Walking metres from every residential building to the nearest service of each of the seven life
/// elements (吃 住 行 游 购 娱 健). One multi-source search per element, run backwards from all services of
/// that element at once, gives every node its cost to the nearest one: 7 searches for the whole district
/// instead of one per building. Each building then reads its cost off the two ends of its snapped edge.</summary>
public static class LifeCircleAnalysis
{
    public const int ElementCount = 7;
    public static readonly string[] Elements = ServiceReach.Elements[..ElementCount];
    public static readonly int[] BandMinutes = [5, 10, 15];

    /// <summary>Buildings and services further than this from any street are left unsnapped (no reach).</summary>
    public const double MaxSnapM = 500;

    /// <summary>[building · 7 + element] → walking metres (access legs included); +∞ beyond <paramref name="cutoffM"/>
    /// or when the building or every service of the element is off the network.</summary>
    public static double[] NearestByElement(WalkingGraph g, IReadOnlyList<LifeCircleBuilding> buildings,
        IReadOnlyList<LifeCircleService> services, double cutoffM)
    {
        var result = new double[buildings.Count * ElementCount];
        Array.Fill(result, double.PositiveInfinity);
        if (g.EdgeCount == 0) return result;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        var bSnaps = new Snap?[buildings.Count];
        Parallel.For(0, buildings.Count, parallel, b => bSnaps[b] = g.SnapPoint(buildings[b].Lon, buildings[b].Lat, MaxSnapM));
        var sSnaps = new Snap?[services.Count];
        Parallel.For(0, services.Count, parallel, s => sSnaps[s] = g.SnapPoint(services[s].Lon, services[s].Lat, MaxSnapM));
        var reversed = g.Reversed();

        Parallel.For(0, ElementCount, parallel, el =>
        {
            var targets = new List<Snap>();
            for (var s = 0; s < services.Count; s++)
            {
                if (services[s].Element == el && sSnaps[s] is { } snap) targets.Add(snap);
            }
            var nearest = NearestTarget(g, reversed, bSnaps, targets, cutoffM);
            for (var b = 0; b < buildings.Count; b++) result[b * ElementCount + el] = nearest[b];
        });
        return result;
    }

    /// <summary>Walking metres from each origin to the nearest target (access legs included), +∞ beyond
    /// <paramref name="cutoffM"/> or off the network: one search backwards from all targets at once. The life
    /// circle runs it per element; the care registry per household for stations and kiosks.</summary>
    public static double[] NearestTarget(WalkingGraph g, WalkingGraph reversed, IReadOnlyList<Snap?> origins, IReadOnlyList<Snap> targets, double cutoffM)
    {
        var result = new double[origins.Count];
        Array.Fill(result, double.PositiveInfinity);
        var seeds = new List<(int, double)>();
        // targets sharing an origin's edge are reached along the edge without passing a node
        var onEdge = new Dictionary<int, List<Snap>>();
        foreach (var snap in targets)
        {
            seeds.AddRange(reversed.Seeds(snap));
            if (!onEdge.TryGetValue(snap.Edge, out var list)) onEdge[snap.Edge] = list = [];
            list.Add(snap);
        }
        if (seeds.Count == 0) return result;
        using var reach = reversed.Run(CollectionsMarshal.AsSpan(seeds), cutoffM);
        for (var b = 0; b < origins.Count; b++)
        {
            if (origins[b] is not { } bs) continue;
            var best = double.PositiveInfinity;
            foreach (var (node, leg) in g.Seeds(bs))
            {
                if (reach.TryGetCost(node, out var d)) best = Math.Min(best, leg + d);
            }
            if (onEdge.TryGetValue(bs.Edge, out var same))
            {
                foreach (var ss in same)
                {
                    var along = ss.Fraction >= bs.Fraction ? g.EdgeCost(bs.Edge) : g.EdgeReverseCost(bs.Edge);
                    if (along >= 0) best = Math.Min(best, bs.AccessM + Math.Abs(ss.Fraction - bs.Fraction) * along + ss.AccessM);
                }
            }
            result[b] = best <= cutoffM ? best : double.PositiveInfinity;
        }
        return result;
    }
}
