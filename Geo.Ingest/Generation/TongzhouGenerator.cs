namespace Geo.Ingest.Generation;

/// <summary>The synthetic Tongzhou data set for one seed and scale: regions laid out inside the real outline
/// and a lazy stream of assets. Same seed and scale, same output, byte for byte.</summary>
internal sealed class GeneratedDataset
{
    public required int Seed { get; init; }
    public required double Scale { get; init; }
    public required Layout Layout { get; init; }
    public required AssetSynthesizer Synthesizer { get; init; }

    public int DistrictPopulation => Layout.Subdistricts.Sum(s => s.Population);
    public int DistrictPopulation60Plus => Layout.Subdistricts.Sum(s => s.Population60Plus);

    public IEnumerable<GeneratedAsset> Assets() => Synthesizer.All();
}

internal static class TongzhouGenerator
{
    public const int DefaultSeed = 2013;
    public const double DefaultScale = 1.0;

    /// <summary>The plan's pilot (2013-02 to 2013-05): 15 communities across the 4 old-town subdistricts.</summary>
    private static readonly (string Code, int Count)[] Pilots =
        [("110112001", 4), ("110112002", 4), ("110112003", 4), ("110112004", 3)];

    public static GeneratedDataset Build(RealLayers real, int seed = DefaultSeed, double scale = DefaultScale)
    {
        if (scale <= 0 || double.IsNaN(scale)) throw new ArgumentOutOfRangeException(nameof(scale), "scale must be positive");
        var (subdistricts, communities) = RegionLayout.Build(real, seed);
        MarkPilots(subdistricts, communities, seed);
        var (cells, ofCommunity) = GridLayout.Build(communities, seed);
        var layout = new Layout
        {
            District = real.Outline, Subdistricts = subdistricts, Communities = communities,
            Cells = cells, CellsOfCommunity = ofCommunity,
        };
        return new GeneratedDataset { Seed = seed, Scale = scale, Layout = layout, Synthesizer = new AssetSynthesizer(layout, seed, scale) };
    }

    private static void MarkPilots(List<LayoutRegion> subdistricts, List<LayoutRegion> communities, int seed)
    {
        var rng = Prng.For(seed, "pilots");
        foreach (var (code, count) in Pilots)
        {
            var si = subdistricts.FindIndex(s => s.Code == code);
            var candidates = communities.Where(c => c.ParentIndex == si && c.Density == Density.Urban).ToList();
            for (var k = 0; k < count && candidates.Count > 0; k++)
            {
                var pick = candidates[rng.Next(candidates.Count)];
                pick.Pilot = true;
                candidates.Remove(pick);
            }
        }
    }
}
