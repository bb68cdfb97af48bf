using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Geo.Core.Common;
using Npgsql;

namespace Geo.Core.Walking;

/// <param name="CompletenessAdult">resident-weighted share of the seven service categories within 15 minutes at the adult pace
/// (null for a run stored before paces were compared)</param>
/// <param name="CompletenessElderly">the same at the elderly pace</param>
/// <param name="ShareAll7ElderlyPace">residents with all seven within 15 minutes at the elderly pace</param>
public sealed record LifeCircleRegionRow(string Code, string Name, string? Parent, double Residents, [property: JsonPropertyName("residents_60")] double Residents60, [property: JsonPropertyName("share_all7")] double ShareAll7,
    [property: JsonPropertyName("share_all7_60")] double ShareAll760, JsonElement PerElement, JsonElement Gaps,
    [property: JsonPropertyName("completeness_adult")] double? CompletenessAdult, [property: JsonPropertyName("completeness_elderly")] double? CompletenessElderly,
    [property: JsonPropertyName("share_all7_elderly_pace")] double? ShareAll7ElderlyPace);

/// <param name="AdultKmh">the adult pace of the completeness columns</param>
/// <param name="ElderlyKmh">the elderly pace of the completeness columns</param>
public sealed record LifeCircleTable(LifeCircleRun Run, string Level, string? Parent, string Basis, double AdultKmh, double ElderlyKmh,
    IReadOnlyList<LifeCircleRegionRow> Regions);

public sealed record LifeCircleGapRow(string Code, string Name, string Element, double UncoveredShare, double UncoveredResidents, string Message, double Lon, double Lat);

public sealed record LifeCircleGaps(LifeCircleRun Run, double Threshold, IReadOnlyList<LifeCircleGapRow> Gaps);

/// <summary>Reads of the latest life-circle run (computed by the life-circle job, never by a request), for the
/// API and any view that shows them. Throws <see cref="GeoException"/> NotFound while no run exists.</summary>
public sealed class LifeCircleReads(NpgsqlDataSource db, WalkingOptions walking)
{
    public const int MaxGaps = 1000;

    private static readonly Dictionary<string, string> Labels = new()
    {
        ["eat"] = "food (吃)", ["live"] = "daily-living service (住)", ["travel"] = "transport (行)", ["leisure"] = "leisure (游)",
        ["shop"] = "shopping (购)", ["entertainment"] = "entertainment (娱)", ["health"] = "clinic or health service (健)",
    };

    public async Task<LifeCircleTable> TableAsync(string? level, string? parent, CancellationToken ct = default)
    {
        WalkingProfile adult = walking.Adult, elderly = walking.Elderly;
        level ??= "community";
        if (!LifeCircleSummary.Levels.Contains(level)) throw GeoException.BadInput("level", $"expected one of {string.Join(", ", LifeCircleSummary.Levels)}");
        var run = await LatestRunAsync(ct) ?? throw NoRun();
        await using var cmd = db.CreateCommand("""
            SELECT r.code, r.name, p.code, res.residents, res.residents_60, res.share_all7, res.share_all7_60, res.per_element::text, res.gaps::text,
                   res.completeness_adult, res.completeness_elderly, res.share_all7_elderly_pace
            FROM life_circle_results res
            JOIN regions r ON r.id = res.region_id
            LEFT JOIN regions p ON p.id = r.parent_id
            WHERE res.run_id = $1 AND res.level = $2 AND ($3::text IS NULL OR p.code = $3)
            ORDER BY r.code
            """);
        cmd.Parameters.AddWithValue(run.Id);
        cmd.Parameters.AddWithValue(level);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)parent ?? DBNull.Value);
        var regions = new List<LifeCircleRegionRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                regions.Add(new LifeCircleRegionRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                    r.GetDouble(3), r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), Json(r.GetString(7)), Json(r.GetString(8)),
                    Nullable(r, 9), Nullable(r, 10), Nullable(r, 11)));
            }
        }
        var (a, e) = (adult.SpeedKmh.ToString("0.##", CultureInfo.InvariantCulture), elderly.SpeedKmh.ToString("0.##", CultureInfo.InvariantCulture));
        return new LifeCircleTable(run, level, parent, $"walking network, adult pace {a} km/h; bands 5/10/15 minutes; completeness at {a} and {e} km/h",
            adult.SpeedKmh, elderly.SpeedKmh, regions);
    }

    public async Task<LifeCircleGaps> GapsAsync(int limit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxGaps) throw GeoException.BadInput("limit", $"must be in 1..{MaxGaps}");
        var run = await LatestRunAsync(ct) ?? throw NoRun();
        await using var cmd = db.CreateCommand("""
            SELECT r.code, r.name, COALESCE(r.unit_type, '社区'), g.element, g.uncovered_share, g.uncovered_residents,
                   ST_X(ST_PointOnSurface(r.geom)), ST_Y(ST_PointOnSurface(r.geom))
            FROM life_circle_results res
            JOIN regions r ON r.id = res.region_id
            CROSS JOIN LATERAL jsonb_to_recordset(res.gaps) AS g(element text, uncovered_share float8, uncovered_residents float8)
            WHERE res.run_id = $1 AND res.level = 'community'
            ORDER BY g.uncovered_residents DESC, r.code, g.element
            LIMIT $2
            """);
        cmd.Parameters.AddWithValue(run.Id);
        cmd.Parameters.AddWithValue(limit);
        var gaps = new List<LifeCircleGapRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var (element, share) = (r.GetString(3), r.GetDouble(4));
                var pct = (share * 100).ToString("F0", CultureInfo.InvariantCulture);
                gaps.Add(new LifeCircleGapRow(r.GetString(0), r.GetString(1), element, share, r.GetDouble(5),
                    $"{r.GetString(2)} {r.GetString(1)}: {pct}% of residents have no {Labels.GetValueOrDefault(element, element)} within 15 minutes",
                    r.GetDouble(6), r.GetDouble(7)));
            }
        }
        return new LifeCircleGaps(run, LifeCircleSummary.GapThreshold, gaps);
    }

    public async Task<LifeCircleRun?> LatestRunAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, started_at, finished_at, trigger, buildings, residents, services, elapsed_ms
            FROM life_circle_runs ORDER BY id DESC LIMIT 1
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new LifeCircleRun(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3),
            r.GetInt32(4), r.GetInt64(5), r.GetInt32(6), r.GetDouble(7));
    }

    public static readonly string[] Paces = ["adult", "elderly"];

    /// <summary>Life-circle completeness per community or town at one pace, through the scorecard's choropleth machinery
    /// (<see cref="Scorecard.Choropleth"/>: same classes, colours and legend). <paramref name="parent"/> is a town (its
    /// communities) or the district (every row).</summary>
    public async Task<Scorecard.ChoroplethMap> ChoroplethAsync(string? pace, string? level, string? parent, CancellationToken ct = default)
    {
        pace ??= "adult";
        if (!Paces.Contains(pace)) throw GeoException.BadInput("pace", "adult or elderly");
        level ??= "community";
        if (level is not ("community" or "subdistrict")) throw GeoException.BadInput("level", "community or subdistrict");
        if (parent is not null && parent.Length > 32) throw GeoException.BadInput("parent", "a town or district code");
        long? parentId = null;
        var parentIsDistrict = false;
        if (parent is not null)
        {
            await using var p = db.CreateCommand("SELECT id, level FROM regions WHERE code = $1 AND level IN ('subdistrict', 'district')");
            p.Parameters.AddWithValue(parent);
            await using var pr = await p.ExecuteReaderAsync(ct);
            if (!await pr.ReadAsync(ct)) throw GeoException.NotFound("parent", $"no town or district {parent}");
            (parentId, parentIsDistrict) = (pr.GetInt64(0), pr.GetString(1) == "district");
        }
        var run = await LatestRunAsync(ct) ?? throw NoRun();
        // the column is chosen from a closed set, never from the request's text
        var column = pace == "adult" ? "res.completeness_adult" : "res.completeness_elderly";
        await using var cmd = db.CreateCommand($"""
            SELECT r.id, r.code, r.name, {column}
            FROM life_circle_results res JOIN regions r ON r.id = res.region_id
            WHERE res.run_id = $1 AND res.level = $2 AND ($3::bigint IS NULL OR r.parent_id = $3)
            ORDER BY r.code
            """);
        cmd.Parameters.AddWithValue(run.Id);
        cmd.Parameters.AddWithValue(level);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, parentIsDistrict || parentId is null ? DBNull.Value : parentId.Value);
        var rows = new List<Scorecard.ChoroplethValue>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) rows.Add(new(r.GetInt64(0), r.GetString(1), r.GetString(2), Nullable(r, 3)));
        }
        return await Scorecard.Choropleth.DrawAsync(db, $"life_circle.{pace}", level, parent, rows, ct);
    }

    private static double? Nullable(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static JsonElement Json(string s)
    {
        using var doc = JsonDocument.Parse(s);
        return doc.RootElement.Clone();
    }

    private static GeoException NoRun() => GeoException.NotFound("run", "No life-circle run yet: the job computes one once a walking network exists.");
}
