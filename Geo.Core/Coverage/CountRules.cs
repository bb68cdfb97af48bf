using System.Text.Json.Serialization;
using Npgsql;

namespace Geo.Core.Coverage;

/// <summary>The standard's per-community rules for terminals: how many a community must have, from its
/// residents (or residents aged 60+), never fewer than the minimum. Planned assets are not installed.</summary>
public sealed class CountRules(NpgsqlDataSource db)
{
    public sealed record Rule(string Indicator, string Description, int? PerResidents, int? PerResidents60, int Minimum);
    public sealed record Row(string Code, string Name, string? Subdistrict, int Residents, [property: JsonPropertyName("residents_60")] int Residents60, long Installed, int Required, bool Ok, bool Pilot);

    public static IReadOnlyDictionary<string, Rule> All { get; } = new Dictionary<string, Rule>
    {
        ["display_screen"] = new("1.2.1", "每个社区配有电子显示屏 — at least 1 per community", null, null, 1),
        ["service_station"] = new("2.1.4", "依托社区服务站 — at least 1 per community", null, null, 1),
        ["payment_terminal"] = new("2.3.1", "根据社区规模安装便民缴费终端 — 1 per 3,000 residents, at least 1", 3000, null, 1),
        ["kiosk"] = new("2.3.3", "为60岁以上老年人配备一键通终端 — 1 per 1,000 residents aged 60+, at least 1", null, 1000, 1),
    };

    public static int Required(Rule rule, int residents, int residents60) => Math.Max(rule.Minimum, Math.Max(
        rule.PerResidents is { } p ? (int)Math.Ceiling(residents / (double)p) : 0,
        rule.PerResidents60 is { } q ? (int)Math.Ceiling(residents60 / (double)q) : 0));

    public async Task<List<Row>> PerCommunityAsync(string kind, Rule rule, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT c.code, c.name, s.name, c.population, c.population_60_plus, count(a.id), c.pilot
            FROM regions c
            LEFT JOIN regions s ON s.id = c.parent_id
            LEFT JOIN assets a ON a.community_id = c.id AND a.kind = $1 AND a.status <> 'planned'
            WHERE c.level = 'community'
            GROUP BY c.id, c.code, c.name, s.name, c.population, c.population_60_plus, c.pilot
            ORDER BY c.code
            """);
        cmd.Parameters.AddWithValue(kind);
        var rows = new List<Row>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var need = Required(rule, r.GetInt32(3), r.GetInt32(4));
            var have = r.GetInt64(5);
            rows.Add(new Row(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3), r.GetInt32(4), have, need, have >= need, r.GetBoolean(6)));
        }
        return rows;
    }
}
