using System.Globalization;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Geo.Ingest.Generation;

/// <summary>One synthetic asset and the grid cell (index into <see cref="Layout.Cells"/>) it lies in;
/// <see cref="Aged60"/> is the residents aged 60+ of a residential building (the domain records only totals).</summary>
internal readonly record struct GeneratedAsset(Asset Asset, int Cell, int Aged60 = 0);

/// <summary>Places residential buildings and every other asset kind inside the communities. Each community
/// and kind draws from its own random stream, so the assets stream out lazily (a million rows never sit in
/// memory) and come out the same on every run. Buildings are made eagerly: region populations are their sums.</summary>
internal sealed class AssetSynthesizer
{
    public const string Source = "synthetic";
    private const double MetresPerDegreeLat = 111_320;
    private static readonly double MetresPerDegreeLon = 111_320 * Math.Cos(39.8 * Math.PI / 180);

    private readonly Layout _layout;
    private readonly int _seed;
    private readonly double _scale;
    private readonly CellLocator _cells;
    private readonly List<GeneratedAsset>[] _buildings;
    private readonly HashSet<int> _alwaysEveryKind = [];
    private readonly string[] _short;

    public AssetSynthesizer(Layout layout, int seed, double scale)
    {
        _layout = layout;
        _seed = seed;
        _scale = scale;
        _cells = new CellLocator(layout.Cells);
        _short = layout.Communities.Select(c => new RealCommunity("", c.Name, "", "").ShortName).ToArray();
        // the first community of each subdistrict gets one of every kind, so even a tiny scale has them all
        foreach (var g in layout.Communities.Select((c, i) => (c, i)).GroupBy(p => p.c.ParentIndex)) _alwaysEveryKind.Add(g.Min(p => p.i));
        var (population, share60) = PopulationPlan.Build(layout.Communities, seed);
        _buildings = new List<GeneratedAsset>[layout.Communities.Count];
        for (var ci = 0; ci < layout.Communities.Count; ci++) _buildings[ci] = Buildings(ci, population[ci], share60[ci]);
        SumPopulations();
    }

    public int BuildingCount => _buildings.Sum(b => b.Count);

    /// <summary>Every synthetic asset, community by community (code order), kind by kind (enum order).</summary>
    public IEnumerable<GeneratedAsset> All()
    {
        for (var ci = 0; ci < _layout.Communities.Count; ci++)
        {
            foreach (var kind in AssetKinds.All)
            {
                if (kind == AssetKind.ResidentialBuilding)
                {
                    foreach (var b in _buildings[ci]) yield return b;
                    continue;
                }
                foreach (var a in OfKind(ci, kind)) yield return a;
            }
        }
    }

    private List<GeneratedAsset> Buildings(int ci, int population, double share60)
    {
        var c = _layout.Communities[ci];
        var rng = Prng.For(_seed, "buildings", c.Code);
        var count = Math.Max(1, rng.RoundRandom(population / AssetCatalog.ResidentsPerBuilding(c.Density) * _scale));
        var weights = Enumerable.Range(0, count).Select(_ => Math.Exp(0.4 * rng.Normal())).ToArray();
        var residents = PopulationPlan.Apportion(population, weights);
        var list = new List<GeneratedAsset>(count);
        for (var n = 0; n < count; n++)
        {
            var (point, cell) = Sample(ci, rng, null, 0);
            var floors = c.Density switch { Density.Urban => rng.RangeInt(6, 28), Density.Town => rng.RangeInt(4, 18), _ => rng.RangeInt(1, 3) };
            var r = residents[n];
            var households = r == 0 ? 0 : Math.Max(1, (int)Math.Round(r / rng.Range(2.3, 3.0)));
            var aged = Math.Min(r, (int)Math.Round(r * share60 * rng.Range(0.75, 1.25)));
            var label = c.Density == Density.Village ? "住宅组团" : "号楼";
            var name = c.Density == Density.Village ? $"{_short[ci]}{label}{n + 1}" : $"{_short[ci]}{n + 1}{label}";
            list.Add(new GeneratedAsset(NewAsset(AssetKind.ResidentialBuilding, name, ExternalId(c, AssetKind.ResidentialBuilding, n + 1),
                point, AssetStatus.Online, new ResidentialBuildingAttributes(households, r, floors)), cell, aged));
        }
        return list;
    }

    private IEnumerable<GeneratedAsset> OfKind(int ci, AssetKind kind)
    {
        var c = _layout.Communities[ci];
        var rng = Prng.For(_seed, "assets", c.Code, kind.Code());
        var buildings = _buildings[ci];
        var count = Count(ci, kind, rng);
        for (var n = 1; n <= count; n++)
        {
            var status = RandomStatus(rng);
            // cameras, sensors and shops cluster around where people live; the rest spread over the community
            var (near, radius) = kind switch
            {
                AssetKind.Sensor => (rng.Pick(buildings).Asset.Geom.Coordinate, 8.0),
                AssetKind.Camera when rng.Chance(0.7) => (rng.Pick(buildings).Asset.Geom.Coordinate, 40.0),
                AssetKind.Shop when rng.Chance(0.6) => (rng.Pick(buildings).Asset.Geom.Coordinate, 80.0),
                AssetKind.Kiosk or AssetKind.PaymentTerminal when rng.Chance(0.5) => (rng.Pick(buildings).Asset.Geom.Coordinate, 30.0),
                _ => ((Coordinate?)null, 0.0),
            };
            var (point, cell) = Sample(ci, rng, near, radius);
            var attributes = AssetCatalog.Attributes(kind, status, rng);
            var label = attributes is ShopAttributes shop ? AssetCatalog.ShopLabel(shop) : AssetCatalog.Label(kind);
            yield return new GeneratedAsset(NewAsset(kind, $"{_short[ci]}{label}{n}号", ExternalId(c, kind, n), point, status, attributes), cell);
        }
    }

    private int Count(int ci, AssetKind kind, Prng rng)
    {
        var c = _layout.Communities[ci];
        var (urban, town, village) = AssetCatalog.PerCommunity(kind);
        var mean = c.Density switch { Density.Urban => urban, Density.Town => town, _ => village } * _scale;
        if (kind == AssetKind.PaymentTerminal) mean = c.Population / AssetCatalog.ResidentsPerPaymentTerminal * _scale;
        if (kind == AssetKind.Sensor) mean = _buildings[ci].Count * AssetCatalog.SensorsPerBuilding(c.Density);
        var count = rng.RoundRandom(mean);
        if (kind == AssetKind.DisplayScreen && c.Density == Density.Urban)
        {
            // indicator 1.2.1 wants a screen in every community; a few urban ones deliberately lack one,
            // so coverage analysis has gaps to find (drawn per community, independent of the scale)
            if (Prng.For(_seed, "screen-gap", c.Code).Chance(0.08)) return 0;
            count = Math.Max(1, count);
        }
        return _alwaysEveryKind.Contains(ci) ? Math.Max(1, count) : count;
    }

    private static AssetStatus RandomStatus(Prng rng) => rng.NextDouble() switch
    {
        < 0.01 => AssetStatus.Planned,
        < 0.03 => AssetStatus.Maintenance,
        < 0.06 => AssetStatus.Offline,
        _ => AssetStatus.Online,
    };

    /// <summary>A point strictly inside a grid cell of community <paramref name="ci"/>, rounded to 1e-7°
    /// (about 1 cm) so text output is short; near <paramref name="near"/> when given.</summary>
    private (Point, int) Sample(int ci, Prng rng, Coordinate? near, double radiusM)
    {
        var env = _layout.Communities[ci].Geom.EnvelopeInternal;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            double x, y;
            if (near is not null && attempt < 20)
            {
                x = near.X + rng.Range(-radiusM, radiusM) / MetresPerDegreeLon;
                y = near.Y + rng.Range(-radiusM, radiusM) / MetresPerDegreeLat;
            }
            else
            {
                x = rng.Range(env.MinX, env.MaxX);
                y = rng.Range(env.MinY, env.MaxY);
            }
            var c = new Coordinate(Math.Round(x, 7), Math.Round(y, 7));
            var cell = _cells.Locate(c);
            if (cell >= 0 && _layout.Cells[cell].ParentIndex == ci) return (GeoFactory.Wgs84.CreatePoint(c), cell);
        }
        throw new InvalidOperationException($"could not place a point in community {_layout.Communities[ci].Code}");
    }

    private void SumPopulations()
    {
        foreach (var building in _buildings.SelectMany(b => b))
        {
            var cell = _layout.Cells[building.Cell];
            cell.Population += ((ResidentialBuildingAttributes)building.Asset.Attributes).Residents;
            cell.Population60Plus += building.Aged60;
        }
        foreach (var (parents, children) in new[] { (_layout.Communities, _layout.Cells), (_layout.Subdistricts, _layout.Communities) })
        {
            foreach (var p in parents) { p.Population = 0; p.Population60Plus = 0; }
            foreach (var child in children)
            {
                parents[child.ParentIndex].Population += child.Population;
                parents[child.ParentIndex].Population60Plus += child.Population60Plus;
            }
        }
    }

    private static Asset NewAsset(AssetKind kind, string name, string externalId, Point geom, AssetStatus status, AssetAttributes attributes) => new()
    {
        Kind = kind, Name = name, Source = Source, ExternalId = externalId, Geom = geom,
        Status = status, Synthetic = true, Attributes = attributes,
    };

    private static string ExternalId(LayoutRegion c, AssetKind kind, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Code}-{kind.Code()}-{n:D5}");
}
