using Geo.Core.Crs;
using Geo.Core.Coverage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Core.Scorecard;

/// <summary>Everything the computed indicators need about one community, gathered with a handful of
/// set-based queries for all communities at once (no query per community).</summary>
public sealed class CommunityFacts
{
    public long Id { get; init; }
    public required string Code { get; init; }
    public required string Name { get; init; }
    public long? ParentId { get; init; }
    public string? UnitType { get; init; }
    public int Population { get; init; }
    public int Population60 { get; init; }
    public bool Pilot { get; init; }
    public required Geometry Geom { get; init; }
    public Dictionary<string, long> Counts { get; } = [];
    public double GridAreaShare { get; set; }
    public int GridCells { get; set; }
    public int GridCellsManaged { get; set; }
    public int LifeElementsNear { get; set; }

    /// <summary>Set when <see cref="LifeElementsNear"/> comes from the walking network (the latest life-circle run)
    /// rather than the straight-line radius; the indicator's evidence then says so.</summary>
    public string? LifeElementsWalkingBasis { get; set; }
    public double? NearestDeliveringGardenM { get; set; }
    public double WifiAreaShare { get; set; }
    public double ShelterReachShare { get; set; }

    /// <summary>Households in the quick-help registry (2.1.4) and how many have a service station within 15 minutes'
    /// walk at the elderly pace (times stored by <see cref="Care.CareReach"/>).</summary>
    public int CareHouseholds { get; set; }
    public int CareStationWithin15 { get; set; }
    /// <summary>How many of <see cref="CareHouseholds"/> are synthetic (the demo's generated households): the evidence says so.</summary>
    public int CareSynthetic { get; set; }
    /// <summary>Of <see cref="CareHouseholds"/>, how many an active delivery provider reaches within 15 minutes' walk at the
    /// elderly pace (<see cref="Deliveries.DeliveryOrders.GapsAsync(NpgsqlDataSource, Walking.WalkingGraphProvider, Walking.WalkingOptions, CancellationToken)"/>);
    /// null when no provider is registered or the engine has no walking graph: 2.1.3 then keeps its asset rule.</summary>
    public int? DeliveryReached { get; set; }
    public long Count(string key) => Counts.GetValueOrDefault(key);

    public static async Task<List<CommunityFacts>> LoadAllAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var list = new List<CommunityFacts>();
        await using (var cmd = db.CreateCommand("""
            SELECT id, code, name, parent_id, unit_type, population, population_60_plus, pilot, geom
            FROM regions WHERE level = 'community' ORDER BY code
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                list.Add(new CommunityFacts
                {
                    Id = r.GetInt64(0), Code = r.GetString(1), Name = r.GetString(2), ParentId = r.IsDBNull(3) ? null : r.GetInt64(3),
                    UnitType = r.IsDBNull(4) ? null : r.GetString(4), Population = r.GetInt32(5), Population60 = r.GetInt32(6),
                    Pilot = r.GetBoolean(7), Geom = r.GetFieldValue<Geometry>(8),
                });
            }
        }
        var byId = list.ToDictionary(c => c.Id);
        await LoadCountsAsync(db, byId, ct);
        await LoadGridAsync(db, byId, ct);
        await LoadProximityAsync(db, byId, ct);
        await LoadWalkingLifeElementsAsync(db, byId, ct);
        await LoadCareReachAsync(db, byId, ct);
        return list;
    }

    private static async Task LoadCountsAsync(NpgsqlDataSource db, Dictionary<long, CommunityFacts> byId, CancellationToken ct)
    {
        // one row per (community, counter); planned assets do not count as installed
        await using var cmd = db.CreateCommand("""
            SELECT community_id, key, count(*) FROM (
                SELECT community_id, CASE
                    WHEN kind = 'display_screen' AND (attributes->>'can_show_warnings')::boolean THEN 'display_screen+warnings'
                    ELSE NULL END AS k2, kind, attributes, status
                FROM assets WHERE community_id IS NOT NULL AND status <> 'planned'
            ) a
            CROSS JOIN LATERAL (VALUES (kind), (k2),
                (CASE WHEN kind = 'camera' THEN 'camera:' || (attributes->>'camera_type') END),
                (CASE WHEN kind = 'sensor' THEN 'sensor:' || (attributes->>'sensor_type') END),
                (CASE WHEN kind = 'sensor' AND status = 'online' THEN 'sensor+online' END)) v(key)
            WHERE key IS NOT NULL
            GROUP BY community_id, key
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (byId.TryGetValue(r.GetInt64(0), out var c)) c.Counts[r.GetString(1)] = r.GetInt64(2);
        }
    }

    private static async Task LoadGridAsync(NpgsqlDataSource db, Dictionary<long, CommunityFacts> byId, CancellationToken ct)
    {
        // grid cells partition a community, so the sum of their areas is the covered area (capped at 1)
        await using var cmd = db.CreateCommand("""
            SELECT c.id, LEAST(1.0, COALESCE(sum(ST_Area(g.geom::geography)), 0) / NULLIF(ST_Area(c.geom::geography), 0)),
                   count(g.id), count(g.id) FILTER (WHERE g.grid_manager IS NOT NULL AND btrim(g.grid_manager) <> '')
            FROM regions c LEFT JOIN regions g ON g.parent_id = c.id AND g.level = 'grid_cell'
            WHERE c.level = 'community'
            GROUP BY c.id, c.geom
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (!byId.TryGetValue(r.GetInt64(0), out var c)) continue;
            c.GridAreaShare = r.IsDBNull(1) ? 0 : r.GetDouble(1);
            c.GridCells = (int)r.GetInt64(2);
            c.GridCellsManaged = (int)r.GetInt64(3);
        }
    }

    /// <summary>Where a life-circle run exists, an element counts as near when at least half of the community's
    /// residents reach it within 15 minutes' walk; communities without a result keep the straight-line count.</summary>
    private static async Task LoadWalkingLifeElementsAsync(NpgsqlDataSource db, Dictionary<long, CommunityFacts> byId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT res.region_id, res.run_id,
                   (SELECT count(*) FROM jsonb_each(res.per_element) e WHERE (e.value->>'min15')::float8 >= 0.5)
            FROM life_circle_results res
            WHERE res.level = 'community' AND res.run_id = (SELECT max(id) FROM life_circle_runs)
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (!byId.TryGetValue(r.GetInt64(0), out var c)) continue;
            c.LifeElementsNear = (int)r.GetInt64(2);
            c.LifeElementsWalkingBasis = $"walking network: elements reached within 15 minutes by at least half of the residents (life-circle run {r.GetInt64(1)})";
        }
    }

    private static async Task LoadCareReachAsync(NpgsqlDataSource db, Dictionary<long, CommunityFacts> byId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT community_id, count(*)::int, count(*) FILTER (WHERE station_min <= 15)::int, count(*) FILTER (WHERE synthetic)::int
            FROM care_registry GROUP BY community_id
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (!byId.TryGetValue(r.GetInt64(0), out var c)) continue;
            c.CareHouseholds = r.GetInt32(1);
            c.CareStationWithin15 = r.GetInt32(2);
            c.CareSynthetic = r.GetInt32(3);
        }
    }

    private static async Task LoadProximityAsync(NpgsqlDataSource db, Dictionary<long, CommunityFacts> byId, CancellationToken ct)
    {
        // population centre: residents-weighted mean of building points, else a point on the polygon
        await using var cmd = db.CreateCommand("""
            WITH centre AS (
                SELECT c.id, COALESCE(
                    (SELECT ST_SetSRID(ST_MakePoint(sum(ST_X(p) * w) / NULLIF(sum(w), 0), sum(ST_Y(p) * w) / NULLIF(sum(w), 0)), 4326)
                     FROM (SELECT ST_PointOnSurface(a.geom) p, GREATEST((a.attributes->>'residents')::float8, 1) w
                           FROM assets a WHERE a.community_id = c.id AND a.kind = 'residential_building') b),
                    ST_PointOnSurface(c.geom)) AS p
                FROM regions c WHERE c.level = 'community'
            )
            SELECT centre.id,
                   (SELECT count(DISTINCT s.attributes->>'category') FROM assets s
                    WHERE s.kind = 'shop' AND s.status <> 'planned' AND s.updated_at > now() - interval '365 days'
                      -- the box (±0.02° ≥ 1.7 km at 40°N) lets the GiST index find candidates; the geodesic test decides
                      AND s.geom && ST_Expand(centre.p, 0.02)
                      AND ST_DWithin(s.geom::geography, centre.p::geography, 1200)),
                   (SELECT ST_Distance(v.geom::geography, centre.p::geography) FROM assets v
                    WHERE v.kind = 'vegetable_garden' AND (v.attributes->>'delivers')::boolean
                    ORDER BY v.geom <-> centre.p LIMIT 1)
            FROM centre
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (!byId.TryGetValue(r.GetInt64(0), out var c)) continue;
            c.LifeElementsNear = (int)r.GetInt64(1);
            c.NearestDeliveringGardenM = r.IsDBNull(2) ? null : r.GetDouble(2);
        }
    }

    /// <summary>Wi-Fi area share and shelter reach per community, with the scanline engine in the metric plane.</summary>
    public static async Task AddCoverageAsync(NpgsqlDataSource db, IReadOnlyList<CommunityFacts> all, CancellationToken ct)
    {
        if (all.Count == 0) return;
        var district = all[0].Geom.Factory.BuildGeometry(all.Select(c => c.Geom)).Envelope;
        var wifi = await CoverageInputs.LoadDisksAsync(db, district, "wifi_hotspot", true, "coverage_radius_m", 50, ct);
        var shelters = await CoverageInputs.LoadDisksAsync(db, district, "shelter", false, null, 1500, ct);
        var buildings = await CoverageInputs.LoadResidentsAsync(db, district, ct);
        var shelterIndex = new NetTopologySuite.Index.Strtree.STRtree<CoverShape>();
        foreach (var s in shelters) shelterIndex.Insert(new Envelope(s.MinX, s.MaxX, s.MinY, s.MaxY), s);
        var byCommunity = buildings.Where(b => b.CommunityId is not null).GroupBy(b => b.CommunityId!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var wifiIndex = new NetTopologySuite.Index.Strtree.STRtree<CoverShape>();
        foreach (var d in wifi) wifiIndex.Insert(new Envelope(d.MinX, d.MaxX, d.MinY, d.MaxY), d);
        var probe = new List<Interval>();
        foreach (var c in all)
        {
            var metric = GeoMetric.ToMetric(c.Geom);
            // 2 m rows: the indicator's threshold is 90%, and a 30 m disk cut into 30 rows is exact to ~0.1%
            var near = wifiIndex.Query(metric.EnvelopeInternal).ToList();
            c.WifiAreaShare = ScanlineCoverage.Measure(new PolygonShape(metric), near, Math.Max(2.0, metric.EnvelopeInternal.Height / 1_500)).Share;
            if (byCommunity.TryGetValue(c.Id, out var bs) && bs.Sum(b => (long)b.Residents) is var total and > 0)
            {
                var reached = bs.Where(b => CoverageEngine.IsCovered(shelterIndex, b.X, b.Y, probe)).Sum(b => (long)b.Residents);
                c.ShelterReachShare = (double)reached / total;
            }
        }
    }
}
