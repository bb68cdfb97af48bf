using Geo.Core.Coverage;

namespace Geo.Tests.Coverage;

public sealed class SiteSuggesterTests
{
    private static List<CoverageInputs.Building> RandomBuildings(int seed, int n) =>
        Enumerable.Range(0, n).Select(_ => (seed, r: new Random(seed))).Select((_, i) => i).Select(i =>
        {
            var r = new Random(seed * 1000 + i);
            return new CoverageInputs.Building(500_000 + r.NextDouble() * 3000, 4_400_000 + r.NextDouble() * 3000, 10 + r.Next(500), 0.2, 1);
        }).ToList();

    [Fact]
    public void The_first_pick_is_the_brute_force_best_and_gains_never_increase()
    {
        var buildings = RandomBuildings(3, 400);
        var rng = new Random(5);
        var candidates = Enumerable.Range(0, 150).Select(i => new SiteSuggester.Candidate(500_000 + rng.NextDouble() * 3000, 4_400_000 + rng.NextDouble() * 3000, $"c{i}")).ToList();
        var existing = new List<CoverShape> { new DiskShape(501_500, 4_401_500, 400) };
        const double r = 300;

        var plan = SiteSuggester.Suggest(existing, buildings, candidates, r, k: 8);

        // brute force: residents not covered by the existing disk, within r of each candidate
        bool Covered(CoverageInputs.Building b) => ((DiskShape)existing[0]).Contains(b.X, b.Y);
        var best = candidates.Max(c => buildings.Where(b => !Covered(b) && Math.Pow(b.X - c.X, 2) + Math.Pow(b.Y - c.Y, 2) <= r * r).Sum(b => (long)b.Residents));
        Assert.Equal(best, plan.Picks[0].NewlyCovered);
        Assert.Equal(buildings.Where(Covered).Sum(b => (long)b.Residents), plan.CoveredBefore);
        for (var i = 1; i < plan.Picks.Count; i++) Assert.True(plan.Picks[i].NewlyCovered <= plan.Picks[i - 1].NewlyCovered);
        Assert.Equal(plan.CoveredBefore + plan.Picks.Sum(p => p.NewlyCovered), plan.CoveredAfter);
        Assert.True(plan.ShareAfter > plan.ShareBefore);
    }

    [Fact]
    public void Greedy_matches_exhaustive_search_for_two_picks_on_a_small_case_within_the_greedy_bound()
    {
        var buildings = RandomBuildings(9, 60);
        var rng = new Random(1);
        var candidates = Enumerable.Range(0, 25).Select(i => new SiteSuggester.Candidate(500_000 + rng.NextDouble() * 3000, 4_400_000 + rng.NextDouble() * 3000, $"c{i}")).ToList();
        const double r = 500;
        var plan = SiteSuggester.Suggest([], buildings, candidates, r, k: 2);
        long Cover(params SiteSuggester.Candidate[] cs) => buildings.Where(b => cs.Any(c => Math.Pow(b.X - c.X, 2) + Math.Pow(b.Y - c.Y, 2) <= r * r)).Sum(b => (long)b.Residents);
        long optimum = 0;
        for (var i = 0; i < candidates.Count; i++)
            for (var j = i + 1; j < candidates.Count; j++) optimum = Math.Max(optimum, Cover(candidates[i], candidates[j]));
        Assert.True(plan.CoveredAfter <= optimum);
        Assert.True(plan.CoveredAfter >= (1 - 1 / Math.E) * optimum);
    }

    [Fact]
    public void Shelter_over_capacity_leaves_the_excess_as_deficit()
    {
        var shelters = new List<(double, double, double?)> { (0, 0, 100), (5000, 0, null) };
        var buildings = new List<CoverageInputs.Building>
        {
            new(100, 0, 90, 0.2, 1), new(0, 100, 60, 0.2, 1),   // 150 residents → shelter of 100: deficit 50
            new(3000, 3000, 40, 0.2, 1),                        // out of reach: deficit 40
            new(5000, 100, 30, 0.2, 2),                         // unknown capacity: reported apart
        };
        var t = ShelterAnalysis.Assign(shelters, buildings, 1500);
        Assert.Equal(190, t[1].Residents);
        Assert.Equal(150, t[1].WithinReach);
        Assert.Equal(90, t[1].Deficit, 6);
        Assert.Equal(30, t[2].Unknown, 6);
        Assert.Equal(0, t[2].Deficit, 6);
    }
}
