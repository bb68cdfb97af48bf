using System.Globalization;
using System.Text.Json.Nodes;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Geo.Api;

/// <summary>Results of the latest life-circle run (computed by LifeCircleJob): completeness per region and the
/// gap list. Read-only: runs are triggered by data changes, not by requests.</summary>
public static class LifeCircleApi
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["eat"] = "food (吃)", ["live"] = "daily-living service (住)", ["travel"] = "transport (行)", ["leisure"] = "leisure (游)",
        ["shop"] = "shopping (购)", ["entertainment"] = "entertainment (娱)", ["health"] = "clinic or health service (健)",
    };

    public static RouteGroupBuilder MapLifeCircleApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/lifecircle").WithTags("Life circle");

        group.MapGet("/", async (string? level, string? parent, NpgsqlDataSource db, CancellationToken ct) =>
        {
            level ??= "community";
            if (!LifeCircleSummary.Levels.Contains(level))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["level"] = [$"expected one of {string.Join(", ", LifeCircleSummary.Levels)}"] });
            if (await LatestRunAsync(db, ct) is not { } run) return NoRun();
            await using var cmd = db.CreateCommand("""
                SELECT r.code, r.name, p.code, res.residents, res.residents_60, res.share_all7, res.share_all7_60, res.per_element::text, res.gaps::text
                FROM life_circle_results res
                JOIN regions r ON r.id = res.region_id
                LEFT JOIN regions p ON p.id = r.parent_id
                WHERE res.run_id = $1 AND res.level = $2 AND ($3::text IS NULL OR p.code = $3)
                ORDER BY r.code
                """);
            cmd.Parameters.AddWithValue(run.Id);
            cmd.Parameters.AddWithValue(level);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)parent ?? DBNull.Value);
            var regions = new List<object>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    regions.Add(new
                    {
                        code = r.GetString(0), name = r.GetString(1), parent = r.IsDBNull(2) ? null : r.GetString(2),
                        residents = r.GetDouble(3), residents_60 = r.GetDouble(4), share_all7 = r.GetDouble(5), share_all7_60 = r.GetDouble(6),
                        per_element = JsonNode.Parse(r.GetString(7)), gaps = JsonNode.Parse(r.GetString(8)),
                    });
                }
            }
            return Results.Ok(new { run, level, parent, basis = "walking network, adult pace 4.5 km/h; bands 5/10/15 minutes", regions });
        });

        group.MapGet("/gaps", async (int? limit, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var n = limit ?? 50;
            if (n is < 1 or > 1000) return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["must be in 1..1000"] });
            if (await LatestRunAsync(db, ct) is not { } run) return NoRun();
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
            cmd.Parameters.AddWithValue(n);
            var gaps = new List<object>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    var (element, share) = (r.GetString(3), r.GetDouble(4));
                    var pct = (share * 100).ToString("F0", CultureInfo.InvariantCulture);
                    gaps.Add(new
                    {
                        code = r.GetString(0), name = r.GetString(1), element, uncovered_share = share, uncovered_residents = r.GetDouble(5),
                        message = $"{r.GetString(2)} {r.GetString(1)}: {pct}% of residents have no {Labels.GetValueOrDefault(element, element)} within 15 minutes",
                        lon = r.GetDouble(6), lat = r.GetDouble(7),
                    });
                }
            }
            return Results.Ok(new { run, threshold = LifeCircleSummary.GapThreshold, gaps });
        });
        return group;
    }

    private static IResult NoRun() => Results.Problem("No life-circle run yet: the job computes one once a walking network exists.",
        statusCode: StatusCodes.Status404NotFound, title: "No life-circle results");

    private static async Task<LifeCircleRun?> LatestRunAsync(NpgsqlDataSource db, CancellationToken ct)
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
}
