using System.Diagnostics;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Core.Scorecard;

public sealed record IndicatorResult(string Id, double? Value, bool? Passed, string Source, string? Evidence = null, DateOnly? RecordedOn = null);

/// <summary>The four evaluation dimensions, 0–100 (null when there is nothing to compute from).</summary>
public sealed record Dimensions(double? Coordination, double? Convenience, double? Safety, double? Perception);

public sealed record RegionScore(
    long RegionId, string Code, string Name, string Level, long? ParentId, bool Pilot, int Population,
    IReadOnlyList<IndicatorResult> Indicators, Dimensions Dimensions, int BindingPassed, int BindingTotal, int Passed, int Evaluated);

public sealed record Scorecard(DateTimeOffset ComputedAt, double ElapsedMs, IReadOnlyList<RegionScore> Communities,
    IReadOnlyList<RegionScore> Subdistricts, RegionScore? District);

/// <summary>Computes the 32-indicator scorecard for every community from the platform's data (rules in
/// <see cref="Indicators"/>), merges the admins' records for organisational indicators (a record on a town or
/// the district applies to its communities), and rolls up to towns and the district.</summary>
public sealed class ScorecardEngine(NpgsqlDataSource db, WalkingGraphProvider? graphs = null, WalkingOptions? walking = null)
{
    public async Task<Scorecard> ComputeAsync(CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var facts = await CommunityFacts.LoadAllAsync(db, ct);
        await CommunityFacts.AddCoverageAsync(db, facts, ct);
        if (graphs is not null) await AddDeliveryReachAsync(facts, ct);
        var records = await ScorecardStore.LatestRecordsAsync(db, ct);
        var surveys = await ScorecardStore.LatestSurveysAsync(db, ct);
        var parents = await ScorecardStore.ParentsAsync(db, ct);

        var communities = facts.Select(f =>
        {
            var results = Indicators.All.Select(i => i.Source == IndicatorSource.Computed && i.Id != "5.2"
                ? Compute(i.Id, f)
                : Recorded(i.Id, f.Id, records, parents)).ToList();
            var perception = Lookup(surveys, f.Id, parents);
            var dims = DimensionsOf(results, perception);
            var available = new[] { dims.Coordination, dims.Convenience, dims.Safety, dims.Perception }.Count(d => d is not null);
            results[Indicators.All.ToList().FindIndex(i => i.Id == "5.2")] = new IndicatorResult("5.2", available / 4.0, available == 4, "computed");
            return Score(f.Id, f.Code, f.Name, "community", f.ParentId, f.Pilot, f.Population, results, dims);
        }).ToList();

        var subdistricts = await RollUpAsync(communities, "subdistrict", ct);
        var district = (await RollUpAsync(subdistricts, "district", ct)).FirstOrDefault();
        return new Scorecard(DateTimeOffset.UtcNow, sw.Elapsed.TotalMilliseconds, communities, subdistricts, district);
    }

    /// <summary>2.1.3 from the delivery service itself: once providers are registered, each community's registered
    /// households reached by one within 15 minutes at the elderly pace (the planners' gap list, same computation).</summary>
    private async Task AddDeliveryReachAsync(List<CommunityFacts> facts, CancellationToken ct)
    {
        var gaps = await Deliveries.DeliveryOrders.GapsAsync(db, graphs!, walking ?? new WalkingOptions(), ct);
        if (gaps.Providers == 0) return;
        var notReached = gaps.Communities.ToDictionary(c => c.CommunityId, c => c.NotReached);
        foreach (var f in facts.Where(f => f.CareHouseholds > 0))
            f.DeliveryReached = f.CareHouseholds - notReached.GetValueOrDefault(f.Id);
    }

    /// <summary>2.1.4 passes when at least this share of registered households reaches a station within 15 minutes.</summary>
    public const double CareReachPass = 0.9;

    internal static IndicatorResult Compute(string id, CommunityFacts f)
    {
        (double Value, bool Passed) r = id switch
        {
            "1.1.1" => (f.WifiAreaShare, f.WifiAreaShare >= 0.90),
            "1.1.2" => (f.GridAreaShare, f.GridAreaShare >= 0.99 && f.Count("residential_building") > 0),
            "1.1.4" => (f.Count("sensor+online"), f.Count("sensor+online") >= 1),
            "1.2.1" => (f.Count("display_screen"), f.Count("display_screen") >= 1),
            "1.2.3" => (f.Count("service_station"), f.Count("service_station") >= 1),
            // with a registry: the share of registered households a service station reaches within 15 minutes at the
            // elderly pace (pass at 90%); without one, the station count as before
            "2.1.4" => f.CareHouseholds > 0
                ? ((double)f.CareStationWithin15 / f.CareHouseholds, (double)f.CareStationWithin15 / f.CareHouseholds >= CareReachPass)
                : (f.Count("service_station"), f.Count("service_station") >= 1),
            "2.1.1" => (f.LifeElementsNear / 7.0, f.LifeElementsNear >= 7),
            // with delivery providers and a registry: the share of registered households a provider reaches (pass at 90%);
            // before any provider is registered, a delivering vegetable garden near the population centre as before
            "2.1.3" => f.DeliveryReached is int reached && f.CareHouseholds > 0
                ? ((double)reached / f.CareHouseholds, (double)reached / f.CareHouseholds >= CareReachPass)
                : (f.NearestDeliveringGardenM ?? double.NaN, f.NearestDeliveringGardenM <= 3000),
            "2.3.1" => Ratio(f.Count("payment_terminal"), Math.Max(1, (int)Math.Ceiling(f.Population / 3000.0))),
            "2.3.3" => Ratio(f.Count("kiosk"), Math.Max(1, (int)Math.Ceiling(f.Population60 / 1000.0))),
            "3.1.1" => f.GridCells == 0 ? (0, false) : ((double)f.GridCellsManaged / f.GridCells, f.GridCellsManaged == f.GridCells),
            "3.2.1" => CameraTypes(f),
            "3.2.2" => (f.Count("vehicle_gate"), f.Count("vehicle_gate") >= 1),
            "3.2.3" => (f.ShelterReachShare, f.Count("display_screen+warnings") >= 1 && f.ShelterReachShare >= 0.8),
            "3.3.1" => SmokePerBuilding(f),
            "3.3.2" => GasAndMeters(f),
            "3.3.3" => (f.Count("sensor:toxic_gas"), f.Count("sensor:toxic_gas") >= 1),
            _ => throw new ArgumentOutOfRangeException(nameof(id), $"indicator {id} is not computed"),
        };
        return new IndicatorResult(id, double.IsNaN(r.Value) ? null : Math.Round(r.Value, 4), r.Passed, "computed",
            id == "2.1.1" ? f.LifeElementsWalkingBasis
            : id == "2.1.3" && f.DeliveryReached is int d && f.CareHouseholds > 0 ? $"deliveries: {d} of {f.CareHouseholds} registered households have an active provider within 15 minutes' walk (elderly pace){(f.CareSynthetic > 0 ? $" ({f.CareSynthetic} of the households synthetic)" : "")}"
            : id == "2.1.4" && f.CareHouseholds > 0 ? $"care registry: {f.CareStationWithin15} of {f.CareHouseholds} registered households within 15 minutes' walk (elderly pace) of a service station{(f.CareSynthetic > 0 ? $" ({f.CareSynthetic} of them synthetic)" : "")}"
            : null);

        static (double, bool) Ratio(long have, int need) => ((double)have / need, have >= need);
        static (double, bool) CameraTypes(CommunityFacts f)
        {
            var surveillance = f.Count("camera:surveillance") > 0;
            var entry = f.Count("camera:video_intercom") > 0 || f.Count("camera:access_control") > 0;
            var types = new[] { "surveillance", "video_intercom", "access_control" }.Count(t => f.Count("camera:" + t) > 0);
            return (types / 3.0, surveillance && entry);
        }
        static (double, bool) SmokePerBuilding(CommunityFacts f)
        {
            var buildings = f.Count("residential_building");
            var smoke = f.Count("sensor:smoke");
            return buildings == 0 ? (0, false) : ((double)smoke / buildings, smoke >= buildings);
        }
        static (double, bool) GasAndMeters(CommunityFacts f)
        {
            var gas = f.Count("sensor:gas") > 0;
            var meter = f.Count("sensor:water_meter") + f.Count("sensor:electricity_meter") + f.Count("sensor:gas_meter") > 0;
            return (((gas ? 1 : 0) + (meter ? 1 : 0)) / 2.0, gas && meter);
        }
    }

    private static IndicatorResult Recorded(string id, long regionId, IReadOnlyDictionary<(string, long), ScorecardStore.Record> records, IReadOnlyDictionary<long, long?> parents)
    {
        for (long? r = regionId; r is { } rid; r = parents.GetValueOrDefault(rid))
        {
            if (records.TryGetValue((id, rid), out var rec))
                return new IndicatorResult(id, rec.Value, rec.Passed, "recorded", rec.Evidence, rec.RecordedOn);
        }
        return new IndicatorResult(id, null, null, "recorded");
    }

    private static double? Lookup(IReadOnlyDictionary<long, double> surveys, long regionId, IReadOnlyDictionary<long, long?> parents)
    {
        for (long? r = regionId; r is { } rid; r = parents.GetValueOrDefault(rid))
            if (surveys.TryGetValue(rid, out var s)) return s;
        return null;
    }

    /// <summary>The documented dimension formulas (docs/DESIGN-NOTES.md, "Coverage and the scorecard"):
    /// coordination = share passed of 2.1.1, 2.1.3, 2.2.1, 3.1.1, 4.1 (resources integrated, departments cooperating);
    /// convenience = mean of the values (capped at 1) of 1.1.1, 2.1.1, 2.3.1, 2.3.3 and 2.1.4 passed;
    /// safety = mean of the values (capped at 1) of 3.2.1, 3.2.3, 3.3.1, 3.3.2;
    /// perception = mean resident survey rating mapped from 1–5 to 0–100. Unknown inputs are left out of a mean.</summary>
    internal static Dimensions DimensionsOf(IReadOnlyList<IndicatorResult> results, double? surveyMean)
    {
        var by = results.ToDictionary(r => r.Id);
        double? PassShare(params string[] ids) => Mean(ids.Select(i => by[i].Passed is { } p ? (p ? 1.0 : 0.0) : (double?)null));
        double? ValueMean(params string[] ids) => Mean(ids.Select(i => by[i].Value is { } v ? Math.Clamp(v, 0, 1) : (double?)null));
        var convenience = Mean([ValueMean("1.1.1", "2.1.1", "2.3.1", "2.3.3"), PassShare("2.1.4")]);
        return new Dimensions(
            Pct(PassShare("2.1.1", "2.1.3", "2.2.1", "3.1.1", "4.1")),
            Pct(convenience),
            Pct(ValueMean("3.2.1", "3.2.3", "3.3.1", "3.3.2")),
            surveyMean is { } s ? Math.Round((Math.Clamp(s, 1, 5) - 1) / 4 * 100, 1) : null);

        static double? Mean(IEnumerable<double?> xs) { var v = xs.Where(x => x is not null).Select(x => x!.Value).ToList(); return v.Count == 0 ? null : v.Average(); }
        static double? Pct(double? x) => x is { } v ? Math.Round(v * 100, 1) : null;
    }

    private static RegionScore Score(long id, string code, string name, string level, long? parent, bool pilot, int population,
        IReadOnlyList<IndicatorResult> results, Dimensions dims)
    {
        var binding = Indicators.All.Where(i => i.Kind == IndicatorKind.Binding).Select(i => i.Id).ToHashSet();
        return new RegionScore(id, code, name, level, parent, pilot, population, results, dims,
            results.Count(r => binding.Contains(r.Id) && r.Passed == true), binding.Count,
            results.Count(r => r.Passed == true), results.Count(r => r.Passed is not null));
    }

    /// <summary>A parent's indicator value is the share of its children passing (population-weighted for the
    /// dimensions); it passes when every child that was evaluated passes.</summary>
    private async Task<List<RegionScore>> RollUpAsync(IReadOnlyList<RegionScore> children, string level, CancellationToken ct)
    {
        var parents = await ScorecardStore.RegionsAsync(db, level, ct);
        return parents.Select(p =>
        {
            var kids = children.Where(c => c.ParentId == p.Id).ToList();
            var results = Indicators.All.Select(i =>
            {
                var evaluated = kids.Select(k => k.Indicators.First(r => r.Id == i.Id)).Where(r => r.Passed is not null).ToList();
                return evaluated.Count == 0
                    ? new IndicatorResult(i.Id, null, null, "rollup")
                    : new IndicatorResult(i.Id, Math.Round(evaluated.Count(r => r.Passed == true) / (double)evaluated.Count, 4), evaluated.All(r => r.Passed == true), "rollup");
            }).ToList();
            double? W(Func<Dimensions, double?> f)
            {
                var xs = kids.Where(k => f(k.Dimensions) is not null).ToList();
                var w = xs.Sum(k => Math.Max(1, k.Population));
                return xs.Count == 0 ? null : Math.Round(xs.Sum(k => f(k.Dimensions)!.Value * Math.Max(1, k.Population)) / w, 1);
            }
            var dims = new Dimensions(W(d => d.Coordination), W(d => d.Convenience), W(d => d.Safety), W(d => d.Perception));
            return Score(p.Id, p.Code, p.Name, level, p.ParentId, kids.Any(k => k.Pilot), kids.Sum(k => k.Population), results, dims);
        }).ToList();
    }
}
