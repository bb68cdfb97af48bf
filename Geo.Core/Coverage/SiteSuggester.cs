using Geo.Core.Crs;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace Geo.Core.Coverage;

/// <summary>Greedy maximum coverage: pick k new sites among candidates, each time the one covering the most
/// residents not yet covered within its radius. Greedy is the (1 − 1/e) approximation of this NP-hard
/// problem; lazy evaluation (CELF) keeps it fast because a candidate's gain can only shrink.</summary>
public static class SiteSuggester
{
    public sealed record Candidate(double X, double Y, string Label);
    public sealed record Pick(int Rank, string Label, double Lon, double Lat, long NewlyCovered, long CoveredAfter, double ShareAfter);
    public sealed record Plan(long Residents, long CoveredBefore, double ShareBefore, long CoveredAfter, double ShareAfter, IReadOnlyList<Pick> Picks);

    public static Plan Suggest(IReadOnlyList<CoverShape> existing, IReadOnlyList<CoverageInputs.Building> buildings,
        IReadOnlyList<Candidate> candidates, double radiusM, int k, bool elderly = false)
    {
        var existingIndex = new STRtree<CoverShape>();
        foreach (var s in existing) existingIndex.Insert(new Envelope(s.MinX, s.MaxX, s.MinY, s.MaxY), s);
        var probe = new List<Interval>();
        double Weight(CoverageInputs.Building b) => elderly ? b.Residents * b.Share60 : b.Residents;

        var total = buildings.Sum(Weight);
        var uncovered = new STRtree<int>();
        var covered = new bool[buildings.Count];
        double coveredBefore = 0;
        for (var i = 0; i < buildings.Count; i++)
        {
            var b = buildings[i];
            if (CoverageEngine.IsCovered(existingIndex, b.X, b.Y, probe)) { covered[i] = true; coveredBefore += Weight(b); }
            else uncovered.Insert(new Envelope(b.X, b.X, b.Y, b.Y), i);
        }

        double Gain(Candidate c, bool take)
        {
            double g = 0;
            foreach (var i in uncovered.Query(new Envelope(c.X - radiusM, c.X + radiusM, c.Y - radiusM, c.Y + radiusM)))
            {
                if (covered[i]) continue;
                var b = buildings[i];
                if ((b.X - c.X) * (b.X - c.X) + (b.Y - c.Y) * (b.Y - c.Y) > radiusM * radiusM) continue;
                g += Weight(b);
                if (take) covered[i] = true;
            }
            return g;
        }

        // max-heap on the last known gain; ties broken by candidate order for determinism
        var queue = new PriorityQueue<int, (double, int)>(Comparer<(double Gain, int Index)>.Create((p, q) =>
            p.Gain != q.Gain ? q.Gain.CompareTo(p.Gain) : p.Index.CompareTo(q.Index)));
        for (var c = 0; c < candidates.Count; c++) queue.Enqueue(c, (Gain(candidates[c], false), c));

        var picks = new List<Pick>();
        var coveredNow = coveredBefore;
        var round = new int[candidates.Count];
        while (picks.Count < k && queue.TryDequeue(out var best, out var prio))
        {
            if (round[best] != picks.Count)
            {
                round[best] = picks.Count;
                queue.Enqueue(best, (Gain(candidates[best], false), best)); // stale: re-evaluate and retry
                continue;
            }
            if (prio.Item1 <= 0) break;
            var gained = Gain(candidates[best], true);
            coveredNow += gained;
            var c = candidates[best];
            var p = GeoMetric.FromMetric(GeoMetric.Factory.CreatePoint(new Coordinate(c.X, c.Y))).Coordinate;
            picks.Add(new Pick(picks.Count + 1, c.Label, Math.Round(p.X, 7), Math.Round(p.Y, 7), (long)Math.Round(gained),
                (long)Math.Round(coveredNow), total > 0 ? coveredNow / total : 0));
        }
        return new Plan((long)Math.Round(total), (long)Math.Round(coveredBefore), total > 0 ? coveredBefore / total : 0,
            (long)Math.Round(coveredNow), total > 0 ? coveredNow / total : 0, picks);
    }
}
