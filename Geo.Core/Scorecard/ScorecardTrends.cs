using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Common;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Scorecard;

/// <param name="Value">null when the snapshot has no value for it (not evaluated that night)</param>
public sealed record TrendPoint(DateTimeOffset TakenAt, double? Value);

public sealed record ScorecardTrend(string Code, string Name, string Indicator, IReadOnlyList<TrendPoint> Points);

/// <summary>One indicator (or dimension) of one region over time, read from the nightly snapshots
/// (<c>scorecard_snapshots</c>, written by ScorecardSnapshotJob): the series the planner's trend chart draws and
/// <c>GET /api/scorecard/{code}/trend</c> serves.</summary>
public sealed class ScorecardTrends(NpgsqlDataSource db)
{
    public const int MaxPoints = 5000;

    public async Task<ScorecardTrend> ForAsync(ClaimsPrincipal? user, string? code, string? indicator, int limit,
        CancellationToken ct = default)
    {
        if (indicator is null || !Choropleth.IsKnown(indicator))
            throw GeoException.BadInput("indicator", $"an indicator id (e.g. 2.1.4) or a dimension ({string.Join(", ", Choropleth.Dimensions)})");
        // the same rule as the card itself: values derived from cameras and sensors are for staff
        if (ScorecardRedaction.SensitiveValues.Contains(indicator) && !GeoClaims.IsStaff(user))
            throw GeoException.Forbidden("indicator", $"the values of {indicator} come from cameras or sensors and are shown to staff only");
        if (limit is < 1 or > MaxPoints) throw GeoException.BadInput("limit", $"must be in 1..{MaxPoints}");
        if (string.IsNullOrEmpty(code) || code.Length > 32) throw GeoException.BadInput("code", "a community, town or district code");
        long id;
        string name;
        await using (var r0 = db.CreateCommand("SELECT id, name FROM regions WHERE code = $1 AND level <> 'grid_cell'"))
        {
            r0.Parameters.AddWithValue(code);
            await using var rr = await r0.ExecuteReaderAsync(ct);
            if (!await rr.ReadAsync(ct)) throw GeoException.NotFound("code", $"no community, town or district with code '{code}'");
            (id, name) = (rr.GetInt64(0), rr.GetString(1));
        }
        var dimension = Choropleth.Dimensions.Contains(indicator);
        await using var cmd = db.CreateCommand("""
            SELECT taken_at,
                   CASE WHEN $3 THEN (dimensions ->> $2)::float8
                        ELSE (SELECT (e ->> 'value')::float8 FROM jsonb_array_elements(indicators) e WHERE e ->> 'id' = $2 LIMIT 1) END
            FROM scorecard_snapshots WHERE region_id = $1
            ORDER BY taken_at DESC LIMIT $4
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, indicator);
        cmd.Parameters.AddWithValue(dimension);
        cmd.Parameters.AddWithValue(limit);
        var points = new List<TrendPoint>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) points.Add(new TrendPoint(r.GetFieldValue<DateTimeOffset>(0), r.IsDBNull(1) ? null : r.GetDouble(1)));
        }
        points.Reverse();
        return new ScorecardTrend(code, name, indicator, points);
    }

    /// <summary>The four dimension scores of a region over the nightly snapshots, oldest first. Throws NotFound (naming
    /// <c>code</c>) for an unknown district, town or community.</summary>
    public async Task<List<ScorecardStore.SnapshotPoint>> HistoryAsync(string code, int limit, CancellationToken ct = default)
    {
        var id = await ScorecardStore.RegionIdAsync(db, code, ct) ?? throw GeoException.NotFound("code", $"no region with code '{code}'");
        return await ScorecardStore.HistoryAsync(db, id, limit, ct);
    }
}
