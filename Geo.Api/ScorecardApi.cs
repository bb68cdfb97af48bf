using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Serialization;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Domain;
using Geo.Core.Scorecard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Geo.Api;

/// <summary>The 32-indicator smart-community scorecard: per community, town and district, with the four
/// evaluation dimensions, history from the nightly snapshots, CSV export and a printable report.</summary>
public static class ScorecardApi
{
    public static RouteGroupBuilder MapScorecardApi(this IEndpointRouteBuilder app)
    {
        // served from memory; the recompute (refresh=true) is for planners and admins, whom no limit applies to
        var g = app.MapGroup("/api/scorecard").WithTags("Scorecard").Cheap();
        g.MapGet("/indicators", () => TypedResults.Ok(Indicators.All)).WithSummary("The 32 indicators of the district standard");
        g.MapGet("/", Table).WithSummary("Scorecard rows for a level (community | subdistrict | district), optionally under a parent code");
        g.MapGet("/export.csv", Csv).WithSummary("Scorecard as CSV (UTF-8 with BOM for Excel)").Produces<string>(StatusCodes.Status200OK, "text/csv");
        g.MapGet("/report", Report).WithSummary("Printable HTML report").Produces<string>(StatusCodes.Status200OK, "text/html");
        g.MapGet("/{code}", One).WithSummary("One region's scorecard with every indicator");
        g.MapGet("/{code}/history", History).WithSummary("Dimension scores over time from the nightly snapshots");
        g.MapGet("/{code}/trend", Trend).WithSummary("One indicator or dimension of a region over time from the nightly snapshots (the planner's trend chart)");
        g.MapPost("/records", AddRecord).WithSummary("Record an organisational indicator for a region, with evidence and date (admin)")
            .RequireAuthorization(GeoPolicies.Admin);
        g.MapPost("/surveys", AddSurvey).WithSummary("Enter a resident survey result (perception dimension) for a region (admin)")
            .RequireAuthorization(GeoPolicies.Admin);
        return g;
    }

    public sealed record RecordBody(
        [property: JsonPropertyName("indicator_id")] string? IndicatorId, [property: JsonPropertyName("region_code")] string? RegionCode,
        [property: JsonPropertyName("passed")] bool? Passed, [property: JsonPropertyName("value")] double? Value,
        [property: JsonPropertyName("evidence")] string? Evidence, [property: JsonPropertyName("recorded_on")] DateOnly? RecordedOn);

    public sealed record SurveyBody(
        [property: JsonPropertyName("region_code")] string? RegionCode, [property: JsonPropertyName("mean_rating")] double? MeanRating,
        [property: JsonPropertyName("respondents")] int? Respondents, [property: JsonPropertyName("surveyed_on")] DateOnly? SurveyedOn);

    public sealed record RecordCreated(long Id, string IndicatorId, string? RegionCode, DateOnly RecordedOn);
    public sealed record SurveyCreated(long Id, string? RegionCode, DateOnly SurveyedOn);
    public sealed record ScorecardRow(string Code, string Name, string Level, bool Pilot, int Population, int BindingPassed, int BindingTotal,
        int Passed, int Evaluated, Dimensions Dimensions, IReadOnlyList<string> Failing);
    public sealed record ScorecardTable(string Level, string? Parent, DateTimeOffset ComputedAt, string Source, IReadOnlyList<ScorecardRow> Rows);
    public sealed record ScorecardHistory(string Code, IReadOnlyList<ScorecardStore.SnapshotPoint> Points);

    private static async Task<Created<RecordCreated>> AddRecord(RecordBody body, HttpContext http, ScorecardRecords records, CancellationToken ct)
    {
        if (Indicators.Find(body.IndicatorId ?? "") is not { } ind) throw GeoException.BadInput("indicator_id", "one of the 32 indicator ids, e.g. 4.1");
        if (ind.Source != IndicatorSource.Recorded) throw GeoException.BadInput("indicator_id", $"{ind.Id} is computed from the platform's data, not recorded");
        if (body.Passed is null) throw GeoException.BadInput("passed", "true or false is required");
        if (string.IsNullOrWhiteSpace(body.Evidence) || body.Evidence.Length > 4000) throw GeoException.BadInput("evidence", "1–4000 characters describing the evidence");
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var on = body.RecordedOn ?? today;
        if (on > today) throw GeoException.BadInput("recorded_on", "must not be in the future");
        var id = await records.AddRecordAsync(ind.Id, body.RegionCode, body.Passed.Value, body.Value, body.Evidence.Trim(), on, http.User.Identity?.Name ?? "admin", ct);
        return TypedResults.Created($"/api/scorecard/{body.RegionCode}", new RecordCreated(id, ind.Id, body.RegionCode, on));
    }

    private static async Task<Created<SurveyCreated>> AddSurvey(SurveyBody body, HttpContext http, ScorecardRecords records, CancellationToken ct)
    {
        if (body.MeanRating is not (>= 1 and <= 5)) throw GeoException.BadInput("mean_rating", "the mean rating on the 1–5 scale is required");
        if (body.Respondents is not (> 0 and <= 10_000_000)) throw GeoException.BadInput("respondents", "a positive number of respondents is required");
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var on = body.SurveyedOn ?? today;
        if (on > today) throw GeoException.BadInput("surveyed_on", "must not be in the future");
        var id = await records.AddSurveyAsync(body.RegionCode, body.MeanRating.Value, body.Respondents.Value, on, http.User.Identity?.Name ?? "admin", ct);
        return TypedResults.Created($"/api/scorecard/{body.RegionCode}", new SurveyCreated(id, body.RegionCode, on));
    }

    /// <summary>Served from memory; <c>refresh=true</c> recomputes first and is for planners and admins only (it costs seconds of database time).</summary>
    private static async Task<Ok<ScorecardTable>> Table(string? level, string? parent, string? refresh, HttpContext http, ScorecardProvider cards, CancellationToken ct)
    {
        if (QueryValues.Boolean("refresh", refresh) == true)
        {
            if (!http.User.IsInRole(GeoRoles.Planner) && !http.User.IsInRole(GeoRoles.Admin))
                throw GeoException.Forbidden("refresh", "recomputing the scorecard is for planners and admins; leave out 'refresh' to read the current card");
            await cards.RefreshAsync(ct);
        }
        var (card, rows) = await RowsAsync(level, parent, cards, ct);
        return TypedResults.Ok(new ScorecardTable(level ?? "community", parent, card.ComputedAt, cards.Source, rows.Select(Summary).ToList()));
    }

    private static async Task<Ok<RegionScore>> One(string code, HttpContext http, ScorecardProvider cards, CancellationToken ct)
    {
        var card = await cards.GetAsync(ct);
        return TypedResults.Ok(ScorecardRedaction.For(http.User, All(card).FirstOrDefault(r => r.Code == code)
            ?? throw GeoException.NotFound("code", $"no community, town or district with code '{code}'")));
    }

    private static async Task<Ok<ScorecardHistory>> History(string code, string? limit, ScorecardTrends trends, CancellationToken ct)
    {
        var n = (int)QueryValues.Integer("limit", limit, 365, 1, 5000);
        return TypedResults.Ok(new ScorecardHistory(code, await trends.HistoryAsync(code, n, ct)));
    }

    private static async Task<Ok<ScorecardTrend>> Trend(string code, string? indicator, string? limit, HttpContext http, ScorecardTrends trends, CancellationToken ct) =>
        TypedResults.Ok(await trends.ForAsync(http.User, code, indicator,
            (int)QueryValues.Integer("limit", limit, 365, 1, ScorecardTrends.MaxPoints), ct));

    private static async Task<FileContentHttpResult> Csv(string? level, string? parent, HttpContext http, ScorecardProvider cards, CancellationToken ct)
    {
        var (_, all) = await RowsAsync(level, parent, cards, ct);
        var rows = all.Select(r => ScorecardRedaction.For(http.User, r)).ToList();
        var sb = new StringBuilder();
        sb.Append("code,name,level,pilot,population,binding_passed,binding_total,coordination,convenience,safety,perception");
        foreach (var i in Indicators.All) sb.Append(",i").Append(i.Id).Append("_passed,i").Append(i.Id).Append("_value");
        sb.Append("\r\n");
        foreach (var r in rows)
        {
            sb.Append(Esc(r.Code)).Append(',').Append(Esc(r.Name)).Append(',').Append(r.Level).Append(',').Append(r.Pilot ? "1" : "0").Append(',')
              .Append(r.Population).Append(',').Append(r.BindingPassed).Append(',').Append(r.BindingTotal).Append(',')
              .Append(N(r.Dimensions.Coordination)).Append(',').Append(N(r.Dimensions.Convenience)).Append(',').Append(N(r.Dimensions.Safety)).Append(',').Append(N(r.Dimensions.Perception));
            foreach (var i in r.Indicators) sb.Append(',').Append(i.Passed switch { true => "1", false => "0", null => "" }).Append(',').Append(N(i.Value));
            sb.Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(sb.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"scorecard-{level ?? "community"}.csv");

        static string N(double? v) => v?.ToString("0.####", CultureInfo.InvariantCulture) ?? "";
        static string Esc(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    private static async Task<ContentHttpResult> Report(string? level, string? parent, ScorecardProvider cards, CancellationToken ct)
    {
        var (card, rows) = await RowsAsync(level ?? "subdistrict", parent, cards, ct);
        var sb = new StringBuilder("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>通州区智慧社区评估报告 Smart-community scorecard</title>");
        sb.Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #999;padding:2px 6px}")
          .Append(".y{background:#d9f2d9}.n{background:#f8d7da}@media print{body{margin:0}}</style></head><body>");
        sb.Append("<h1>通州区智慧社区建设指导标准 评估 / Smart-community scorecard</h1>")
          .Append("<p>计算时间 computed ").Append(card.ComputedAt.ToString("u", CultureInfo.InvariantCulture))
          .Append(". 示范数据为合成数据 — the demo data set is synthetic.</p><table><tr><th>代码 code</th><th>名称 name</th><th>人口</th>")
          .Append("<th>约束性达标 binding</th><th>协同度</th><th>便利度</th><th>安全度</th><th>感知度</th>");
        foreach (var i in Indicators.All) sb.Append("<th title=\"").Append(WebUtility.HtmlEncode(i.TextZh)).Append("\">").Append(i.Id).Append("</th>");
        sb.Append("</tr>");
        foreach (var r in rows)
        {
            sb.Append("<tr><td>").Append(r.Code).Append("</td><td>").Append(WebUtility.HtmlEncode(r.Name)).Append(r.Pilot ? " ★" : "").Append("</td><td>").Append(r.Population)
              .Append("</td><td>").Append(r.BindingPassed).Append('/').Append(r.BindingTotal).Append("</td>");
            foreach (var d in new[] { r.Dimensions.Coordination, r.Dimensions.Convenience, r.Dimensions.Safety, r.Dimensions.Perception })
                sb.Append("<td>").Append(d?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–").Append("</td>");
            foreach (var i in r.Indicators)
                sb.Append(i.Passed switch { true => "<td class=\"y\">✓", false => "<td class=\"n\">✗", null => "<td>–" }).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</table><p>★ 试点社区 pilot community. ✓ 达标 passed, ✗ 未达标 not passed, – 未评估 not evaluated.</p></body></html>");
        return TypedResults.Content(sb.ToString(), "text/html; charset=utf-8");
    }

    private static async Task<(Scorecard Card, List<RegionScore> Rows)> RowsAsync(string? level, string? parent, ScorecardProvider cards, CancellationToken ct)
    {
        var lv = level ?? "community";
        if (lv is not ("community" or "subdistrict" or "district")) throw GeoException.BadInput("level", "one of community, subdistrict, district");
        var card = await cards.GetAsync(ct);
        var rows = lv switch { "community" => card.Communities, "subdistrict" => card.Subdistricts, _ => card.District is null ? [] : [card.District] };
        if (parent is not null)
        {
            var p = All(card).FirstOrDefault(r => r.Code == parent) ?? throw GeoException.BadInput("parent", $"no region with code '{parent}'");
            rows = rows.Where(r => r.ParentId == p.RegionId).ToList();
        }
        return (card, rows.ToList());
    }

    private static IEnumerable<RegionScore> All(Scorecard c) => c.Communities.Concat(c.Subdistricts).Concat(c.District is null ? [] : [c.District]);

    private static ScorecardRow Summary(RegionScore r) => new(r.Code, r.Name, r.Level, r.Pilot, r.Population, r.BindingPassed, r.BindingTotal,
        r.Passed, r.Evaluated, r.Dimensions, r.Indicators.Where(i => i.Passed == false).Select(i => i.Id).ToList());
}
