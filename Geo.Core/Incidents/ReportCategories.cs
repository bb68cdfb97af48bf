using Geo.Core.Common;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Incidents;

/// <summary>The one rule for which case categories a person may report, and where: the map's form, <c>POST /api/incidents</c>
/// (through <see cref="IncidentIntake"/>) and Open311 service discovery all ask here.
/// Visibility: sensor alarms are raised by sensors only, never offered to a report (nor shown to exist).
/// Area: a category with rows in <c>incident_category_areas</c> is offered only at points inside one of those regions;
/// one without rows, everywhere in the district.</summary>
public sealed class ReportCategories(NpgsqlDataSource ds)
{
    /// <summary>The rule as a predicate over <c>incident_categories c</c> at the geometry parameter <paramref name="point"/>
    /// (e.g. <c>$1</c>): the intake's INSERT embeds it, so a report is checked in its own statement.</summary>
    public static string OfferedAt(string point) => $"""
        (c.code <> '{IncidentIntake.SensorAlarmCategory}'
         AND (NOT EXISTS (SELECT 1 FROM incident_category_areas a WHERE a.category_code = c.code)
              OR EXISTS (SELECT 1 FROM incident_category_areas a JOIN regions g ON g.id = a.region_id
                         WHERE a.category_code = c.code AND ST_Intersects(g.geom, {point}))))
        """;

    /// <summary>Every category a report may name somewhere (Open311 <c>services</c> without a place).</summary>
    public async Task<IReadOnlyList<IncidentCategory>> AnywhereAsync(CancellationToken ct = default)
    {
        await using var cmd = ds.CreateCommand($"""
            SELECT code, name_zh, name_en, time_limit_hours FROM incident_categories c
            WHERE c.code <> '{IncidentIntake.SensorAlarmCategory}' ORDER BY code
            """);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>The categories offered at a point, by code; throws bad input naming <c>location</c> outside Tongzhou.</summary>
    public async Task<IReadOnlyList<IncidentCategory>> AtAsync(double lon, double lat, CancellationToken ct = default)
    {
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || !GeoFactory.DistrictExtent.Contains(lon, lat))
            throw GeoException.BadInput("location", $"({lon}, {lat}) is outside Tongzhou district (lon, lat in EPSG:4326)");
        await using var cmd = ds.CreateCommand($"""
            SELECT code, name_zh, name_en, time_limit_hours FROM incident_categories c
            WHERE {OfferedAt("$1")} ORDER BY code
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = GeoFactory.Point(lon, lat), NpgsqlDbType = NpgsqlDbType.Geometry });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Whether <paramref name="code"/> is offered at the point (the same predicate as <see cref="AtAsync"/>).</summary>
    public async Task<bool> IsOfferedAsync(string code, double lon, double lat, CancellationToken ct = default) =>
        (await AtAsync(lon, lat, ct)).Any(c => c.Code == code);

    private static async Task<IReadOnlyList<IncidentCategory>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<IncidentCategory>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new IncidentCategory { Code = r.GetString(0), NameZh = r.GetString(1), NameEn = r.GetString(2), TimeLimitHours = r.GetInt32(3) });
        return list;
    }
}
