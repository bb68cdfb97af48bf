using Geo.Core.Common;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>An open case near a place, as anyone may see it: no description, reporter, assignee or exact point.</summary>
public sealed record OpenCaseNearby(long Id, string Category, string Status, DateTimeOffset ReportedAt, double DistanceM);

/// <summary>One step of a case as the public sees it: what happened and when, never who or why (staff notes stay inside).</summary>
public sealed record PublicCaseStep(string Action, string Status, DateTimeOffset At);

/// <summary>A case's public status page: category, status, dates and the steps taken; no personal data, no staff notes,
/// no description (a resident may have written a phone number or a name in it), no assignee.</summary>
public sealed record PublicCase(long Id, string Category, string CategoryZh, string CategoryEn, string Status,
    DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ClosedAt, string? CommunityName, IReadOnlyList<PublicCaseStep> Steps);

/// <summary>What a resident sees of cases without signing in: possible duplicates before reporting (open cases of the
/// same category within <see cref="DuplicateRadiusM"/> geodesic metres) and a case's public status page. Sensor-raised
/// cases are never shown (they would reveal where sensors are).</summary>
public sealed class PublicCases(NpgsqlDataSource ds)
{
    public const double DuplicateRadiusM = 50;
    public const int MaxDuplicates = 10;

    /// <summary>Open cases (not closed, not rejected) in <paramref name="category"/> within 50 m of the point, nearest first.</summary>
    public async Task<IReadOnlyList<OpenCaseNearby>> NearbyOpenAsync(double lon, double lat, string? category, CancellationToken ct = default)
    {
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || !GeoFactory.DistrictExtent.Contains(lon, lat))
            throw GeoException.BadInput("location", $"({lon}, {lat}) is outside Tongzhou district (lon, lat in EPSG:4326)");
        if (string.IsNullOrWhiteSpace(category)) throw GeoException.BadInput("category", "a case category code is required");
        // the geometry index narrows to a box (0.001° ≥ 85 m at this latitude), the geography test decides in metres
        await using var cmd = ds.CreateCommand("""
            SELECT i.id, i.category_code, i.status, i.reported_at, ST_Distance(i.geom::geography, p.g::geography) AS d
            FROM incidents i, (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g) p
            WHERE i.category_code = $3 AND i.status NOT IN ('closed', 'rejected') AND i.source <> 'sensor'
              AND i.geom && ST_Expand(p.g, 0.001)
              AND ST_DWithin(i.geom::geography, p.g::geography, $4, true)
            ORDER BY d, i.id LIMIT $5
            """);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddWithValue(category);
        cmd.Parameters.AddWithValue(DuplicateRadiusM);
        cmd.Parameters.AddWithValue(MaxDuplicates);
        var list = new List<OpenCaseNearby>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), Math.Round(r.GetDouble(4), 1)));
        return list;
    }

    /// <summary>The case's public view; throws not found for an unknown or sensor-raised case.</summary>
    public async Task<PublicCase> GetAsync(long id, CancellationToken ct = default)
    {
        // one round trip: the case and its steps (positional parameters allow one statement per command, hence a batch)
        await using var cmd = ds.CreateBatch();
        cmd.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT i.id, i.category_code, c.name_zh, c.name_en, i.status, i.reported_at, i.updated_at, i.closed_at, r.name
            FROM incidents i JOIN incident_categories c ON c.code = i.category_code LEFT JOIN regions r ON r.id = i.community_id
            WHERE i.id = $1 AND i.source <> 'sensor'
            """) { Parameters = { new NpgsqlParameter<long> { TypedValue = id } } });
        cmd.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT e.action, e.to_status, e.at FROM incident_events e JOIN incidents i ON i.id = e.incident_id
            WHERE e.incident_id = $1 AND i.source <> 'sensor' ORDER BY e.at, e.id
            """) { Parameters = { new NpgsqlParameter<long> { TypedValue = id } } });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw GeoException.NotFound("id", $"no case {id}");
        var head = (Id: r.GetInt64(0), Cat: r.GetString(1), Zh: r.GetString(2), En: r.GetString(3), Status: r.GetString(4),
            Reported: r.GetFieldValue<DateTimeOffset>(5), Updated: r.GetFieldValue<DateTimeOffset>(6),
            Closed: r.IsDBNull(7) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(7), Community: r.IsDBNull(8) ? null : r.GetString(8));
        await r.NextResultAsync(ct);
        var steps = new List<PublicCaseStep>();
        while (await r.ReadAsync(ct)) steps.Add(new(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)));
        return new PublicCase(head.Id, head.Cat, head.Zh, head.En, head.Status, head.Reported, head.Updated, head.Closed, head.Community, steps);
    }
}
