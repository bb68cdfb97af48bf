namespace Geo.Core.Walking;

public sealed record LifeCircleRegion(long Id, string Level, string Code, string Name, long? ParentId, int Population, int Population60Plus);

/// <summary>Shares of residents with the element within 5, 10 and 15 minutes, and of residents 60+ within 15.</summary>
public sealed record ElementShares(double Min5, double Min10, double Min15, double Min15Elderly);

public sealed record LifeCircleGap(string Element, double UncoveredShare, double UncoveredResidents);

public sealed record LifeCircleRegionResult(long RegionId, string Level, double Residents, double Residents60,
    double ShareAll7, double ShareAll7Elderly, Dictionary<string, ElementShares> PerElement, List<LifeCircleGap> Gaps);

/// <summary>Population-weighted roll-up of per-building walking costs to community, subdistrict and district.
/// A building's residents 60+ are its residents times its community's 60+ share (buildings carry no ages).</summary>
public static class LifeCircleSummary
{
    /// <summary>An element is listed as a gap when at least this share of a region's residents lack it within 15 minutes.</summary>
    public const double GapThreshold = 0.2;

    public static readonly string[] Levels = ["community", "subdistrict", "district"];

    private sealed class Tally
    {
        public double Residents, Residents60, All7, All7Elderly;
        public readonly double[,] Within = new double[LifeCircleAnalysis.ElementCount, 3];
        public readonly double[] WithinElderly = new double[LifeCircleAnalysis.ElementCount];
    }

    public static List<LifeCircleRegionResult> Summarise(IReadOnlyList<LifeCircleRegion> regions, IReadOnlyList<LifeCircleBuilding> buildings,
        double[] nearest, double metresPerMinute)
    {
        var byId = regions.Where(r => Levels.Contains(r.Level)).ToDictionary(r => r.Id);
        var districts = byId.Values.Where(r => r.Level == "district").ToList();
        var tallies = new Dictionary<long, Tally>();
        var chain = new List<long>(3);
        for (var b = 0; b < buildings.Count; b++)
        {
            var bd = buildings[b];
            chain.Clear();
            double share60 = 0;
            if (bd.CommunityId is { } cid && byId.TryGetValue(cid, out var community))
            {
                share60 = community.Population > 0 ? Math.Clamp((double)community.Population60Plus / community.Population, 0, 1) : 0;
                for (LifeCircleRegion? r = community; r is not null; r = r.ParentId is { } p && byId.TryGetValue(p, out var up) ? up : null) chain.Add(r.Id);
            }
            else if (districts.Count == 1)
            {
                chain.Add(districts[0].Id); // outside every community: still counts for the district
            }
            var (res, res60) = (bd.Residents, bd.Residents * share60);
            var all7 = true;
            foreach (var id in chain)
            {
                if (!tallies.TryGetValue(id, out var t)) tallies[id] = t = new Tally();
                t.Residents += res;
                t.Residents60 += res60;
            }
            for (var e = 0; e < LifeCircleAnalysis.ElementCount; e++)
            {
                var m = nearest[b * LifeCircleAnalysis.ElementCount + e];
                all7 &= m <= 15 * metresPerMinute;
                foreach (var id in chain)
                {
                    var t = tallies[id];
                    for (var k = 0; k < 3; k++)
                    {
                        if (m <= LifeCircleAnalysis.BandMinutes[k] * metresPerMinute) t.Within[e, k] += res;
                    }
                    if (m <= 15 * metresPerMinute) t.WithinElderly[e] += res60;
                }
            }
            if (!all7) continue;
            foreach (var id in chain)
            {
                tallies[id].All7 += res;
                tallies[id].All7Elderly += res60;
            }
        }

        static double Share(double part, double whole) => whole > 0 ? Math.Round(part / whole, 4) : 0;
        var results = new List<LifeCircleRegionResult>();
        foreach (var (id, t) in tallies)
        {
            if (t.Residents <= 0) continue;
            var per = new Dictionary<string, ElementShares>();
            var gaps = new List<LifeCircleGap>();
            for (var e = 0; e < LifeCircleAnalysis.ElementCount; e++)
            {
                per[LifeCircleAnalysis.Elements[e]] = new ElementShares(Share(t.Within[e, 0], t.Residents), Share(t.Within[e, 1], t.Residents),
                    Share(t.Within[e, 2], t.Residents), Share(t.WithinElderly[e], t.Residents60));
                var uncovered = t.Residents - t.Within[e, 2];
                if (uncovered / t.Residents >= GapThreshold)
                    gaps.Add(new LifeCircleGap(LifeCircleAnalysis.Elements[e], Share(uncovered, t.Residents), Math.Round(uncovered, 1)));
            }
            gaps.Sort((a, b) => b.UncoveredResidents.CompareTo(a.UncoveredResidents));
            results.Add(new LifeCircleRegionResult(id, byId[id].Level, t.Residents, Math.Round(t.Residents60, 1),
                Share(t.All7, t.Residents), Share(t.All7Elderly, t.Residents60), per, gaps));
        }
        return results;
    }
}
