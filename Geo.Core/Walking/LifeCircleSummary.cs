namespace Geo.Core.Walking;

public sealed record LifeCircleRegion(long Id, string Level, string Code, string Name, long? ParentId, int Population, int Population60Plus);

/// <summary>Shares of residents with the element within 5, 10 and 15 minutes, and of residents 60+ within 15.</summary>
public sealed record ElementShares(double Min5, double Min10, double Min15, double Min15Elderly);

public sealed record LifeCircleGap(string Element, double UncoveredShare, double UncoveredResidents);

/// <param name="ShareAll7Elderly">residents 60+ reaching all seven elements within 15 minutes at the adult pace</param>
/// <param name="Paces">completeness at the adult and at the elderly pace, side by side</param>
public sealed record LifeCircleRegionResult(long RegionId, string Level, double Residents, double Residents60,
    double ShareAll7, double ShareAll7Elderly, Dictionary<string, ElementShares> PerElement, List<LifeCircleGap> Gaps, PaceCompleteness Paces);

/// <summary>Life-circle completeness of a region at both walking paces: <c>Completeness*</c> is the resident-weighted
/// mean share of the seven service categories within 15 minutes' walk (1 = every resident has all seven);
/// <c>ShareAll7*</c> the share of residents who have all seven.</summary>
public sealed record PaceCompleteness(double CompletenessAdult, double CompletenessElderly, double ShareAll7Adult, double ShareAll7ElderlyPace);

/// <summary>Population-weighted roll-up of per-building walking costs to community, subdistrict and district.
/// A building's residents 60+ are its residents times its community's 60+ share (buildings carry no ages).</summary>
public static class LifeCircleSummary
{
    /// <summary>An element is listed as a gap when at least this share of a region's residents lack it within 15 minutes.</summary>
    public const double GapThreshold = 0.2;

    public static readonly string[] Levels = ["community", "subdistrict", "district"];

    private sealed class Tally
    {
        public double Residents, Residents60, All7, All7Elderly, All7ElderlyPace, CategoriesAdult, CategoriesElderlyPace;
        public readonly double[,] Within = new double[LifeCircleAnalysis.ElementCount, 3];
        public readonly double[] WithinElderly = new double[LifeCircleAnalysis.ElementCount];
    }

    public static List<LifeCircleRegionResult> Summarise(IReadOnlyList<LifeCircleRegion> regions, IReadOnlyList<LifeCircleBuilding> buildings,
        double[] nearest, double metresPerMinute, double elderlyMetresPerMinute)
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
            var (categories, categoriesElderly) = (0, 0);
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
                if (m <= 15 * metresPerMinute) categories++;
                if (m <= 15 * elderlyMetresPerMinute) categoriesElderly++;
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
            foreach (var id in chain)
            {
                var t = tallies[id];
                t.CategoriesAdult += res * categories / (double)LifeCircleAnalysis.ElementCount;
                t.CategoriesElderlyPace += res * categoriesElderly / (double)LifeCircleAnalysis.ElementCount;
                if (categoriesElderly == LifeCircleAnalysis.ElementCount) t.All7ElderlyPace += res;
                if (!all7) continue;
                t.All7 += res;
                t.All7Elderly += res60;
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
                Share(t.All7, t.Residents), Share(t.All7Elderly, t.Residents60), per, gaps,
                new PaceCompleteness(Share(t.CategoriesAdult, t.Residents), Share(t.CategoriesElderlyPace, t.Residents), Share(t.All7, t.Residents),
                    Share(t.All7ElderlyPace, t.Residents))));
        }
        return results;
    }
}
