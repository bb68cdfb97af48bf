using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Scorecard;

/// <summary>The scorecard's tables (migration 20261128153000_Scorecard): admins' records for organisational
/// indicators, resident surveys (perception), and nightly snapshots for trends.</summary>
public static class ScorecardStore
{
    public sealed record Record(bool Passed, double? Value, string Evidence, DateOnly RecordedOn);
    public sealed record RegionRef(long Id, string Code, string Name, long? ParentId);
    public sealed record SnapshotPoint(DateTimeOffset TakenAt, JsonElement Dimensions, int BindingPassed, int BindingTotal);

    public static async Task<Dictionary<(string, long), Record>> LatestRecordsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT ON (indicator_id, region_id) indicator_id, region_id, passed, value, evidence, recorded_on
            FROM scorecard_records ORDER BY indicator_id, region_id, recorded_on DESC, id DESC
            """);
        var map = new Dictionary<(string, long), Record>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            map[(r.GetString(0), r.GetInt64(1))] = new Record(r.GetBoolean(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.GetString(4), r.GetFieldValue<DateOnly>(5));
        return map;
    }

    /// <summary>Mean rating (1–5) per region over the surveys of the last year, weighted by respondents.</summary>
    public static async Task<Dictionary<long, double>> LatestSurveysAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT region_id, sum(mean_rating * respondents) / sum(respondents)
            FROM scorecard_surveys WHERE surveyed_on > current_date - 365 GROUP BY region_id
            """);
        var map = new Dictionary<long, double>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) map[r.GetInt64(0)] = r.GetDouble(1);
        return map;
    }

    public static async Task<Dictionary<long, long?>> ParentsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, parent_id FROM regions WHERE level <> 'grid_cell'");
        var map = new Dictionary<long, long?>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) map[r.GetInt64(0)] = r.IsDBNull(1) ? null : r.GetInt64(1);
        return map;
    }

    public static async Task<List<RegionRef>> RegionsAsync(NpgsqlDataSource db, string level, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, code, name, parent_id FROM regions WHERE level = $1 ORDER BY code");
        cmd.Parameters.AddWithValue(level);
        var list = new List<RegionRef>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new RegionRef(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3)));
        return list;
    }

    public static async Task<long?> RegionIdAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM regions WHERE code = $1 AND level <> 'grid_cell'");
        cmd.Parameters.AddWithValue(code);
        return await cmd.ExecuteScalarAsync(ct) as long?;
    }

    public static async Task<long> AddRecordAsync(NpgsqlDataSource db, string indicatorId, long regionId, bool passed, double? value,
        string evidence, DateOnly recordedOn, string recordedBy, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO scorecard_records (indicator_id, region_id, passed, value, evidence, recorded_on, recorded_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """);
        cmd.Parameters.AddWithValue(indicatorId);
        cmd.Parameters.AddWithValue(regionId);
        cmd.Parameters.AddWithValue(passed);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Double, (object?)value ?? DBNull.Value);
        cmd.Parameters.AddWithValue(evidence);
        cmd.Parameters.AddWithValue(recordedOn);
        cmd.Parameters.AddWithValue(recordedBy);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<long> AddSurveyAsync(NpgsqlDataSource db, long regionId, double meanRating, int respondents, DateOnly surveyedOn,
        string enteredBy, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO scorecard_surveys (region_id, mean_rating, respondents, surveyed_on, entered_by)
            VALUES ($1, $2, $3, $4, $5) RETURNING id
            """);
        cmd.Parameters.AddWithValue(regionId);
        cmd.Parameters.AddWithValue(meanRating);
        cmd.Parameters.AddWithValue(respondents);
        cmd.Parameters.AddWithValue(surveyedOn);
        cmd.Parameters.AddWithValue(enteredBy);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Stores one row per region (communities, towns, district) for this run, in one transaction.</summary>
    public static async Task<int> SaveSnapshotAsync(NpgsqlDataSource db, Scorecard card, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = card.Communities.Concat(card.Subdistricts).Concat(card.District is null ? [] : [card.District]).ToList();
        await using (var w = await conn.BeginBinaryImportAsync("COPY scorecard_snapshots (taken_at, region_id, binding_passed, binding_total, dimensions, indicators) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var s in rows)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(card.ComputedAt, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(s.RegionId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(s.BindingPassed, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(s.BindingTotal, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(JsonSerializer.Serialize(s.Dimensions, JsonOpts), NpgsqlDbType.Jsonb, ct);
                await w.WriteAsync(JsonSerializer.Serialize(s.Indicators, JsonOpts), NpgsqlDbType.Jsonb, ct);
            }
            await w.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    public static async Task<List<SnapshotPoint>> HistoryAsync(NpgsqlDataSource db, long regionId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT taken_at, dimensions, binding_passed, binding_total FROM scorecard_snapshots
            WHERE region_id = $1 ORDER BY taken_at DESC LIMIT $2
            """);
        cmd.Parameters.AddWithValue(regionId);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<SnapshotPoint>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new SnapshotPoint(r.GetFieldValue<DateTimeOffset>(0), JsonDocument.Parse(r.GetString(1)).RootElement.Clone(), r.GetInt32(2), r.GetInt32(3)));
        list.Reverse();
        return list;
    }

    public static readonly JsonSerializerOptions JsonOpts = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
