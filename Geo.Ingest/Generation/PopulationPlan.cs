namespace Geo.Ingest.Generation;

/// <summary>Residents per community, calibrated to the 2020 census: 1.84 million in Tongzhou, 19.6% aged 60
/// or over (the Beijing share; no district figure is at hand). Urban estates are dense and younger,
/// villages sparse and older. Depends on the seed only, so every scale has the same population.</summary>
internal static class PopulationPlan
{
    public const int DistrictPopulation = 1_840_000;
    public const double Share60Plus = 0.196;

    public static (int[] Population, double[] Share60) Build(IReadOnlyList<LayoutRegion> communities, int seed)
    {
        var rng = Prng.For(seed, "population");
        var weights = new double[communities.Count];
        var shares = new double[communities.Count];
        for (var i = 0; i < communities.Count; i++)
        {
            var (mean, share) = communities[i].Density switch
            {
                Density.Urban => (9000.0, 0.175),
                Density.Town => (6000.0, 0.19),
                _ => (1100.0, 0.235),
            };
            weights[i] = mean * Math.Exp(0.35 * rng.Normal());
            shares[i] = Math.Clamp(share + 0.03 * rng.Normal(), 0.06, 0.45);
        }
        var population = Apportion(DistrictPopulation, weights);
        // rescale the shares so the district as a whole lands on the census share
        var aged = population.Select((p, i) => p * shares[i]).Sum();
        var k = Share60Plus * DistrictPopulation / aged;
        return (population, shares.Select(s => Math.Clamp(s * k, 0.0, 0.6)).ToArray());
    }

    /// <summary>Splits <paramref name="total"/> in proportion to <paramref name="weights"/> into integers that
    /// add up exactly (largest remainder; ties go to the lower index).</summary>
    public static int[] Apportion(int total, IReadOnlyList<double> weights)
    {
        var sum = weights.Sum();
        var result = new int[weights.Count];
        var remainders = new (double Rem, int Index)[weights.Count];
        var given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = total * weights[i] / sum;
            result[i] = (int)Math.Floor(exact);
            given += result[i];
            remainders[i] = (exact - result[i], i);
        }
        foreach (var (_, i) in remainders.OrderByDescending(r => r.Rem).ThenBy(r => r.Index).Take(total - given)) result[i]++;
        return result;
    }
}
