using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Core;

public sealed class DispatchStatsTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Stats_per_cell_match_a_hand_count_and_are_served_as_json_and_csv_to_the_command_centre_only()
    {
        var (community, cell) = await GridFixtures.CellAsync(db.DataSource, "ST", 116.80, 39.60, 0.01, "钱网格");
        var now = DateTimeOffset.UtcNow;
        // five cases: two closed (10 h on time, 30 h late), one open and overdue and escalated, one open on time, one old (outside 90 days)
        await using (var cmd = db.DataSource.CreateCommand("""
            INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, source, reported_at, updated_at, deadline_at, overdue_at, escalated_at, closed_at)
            SELECT 'noise', s, 'stats ' || n, ST_SetSRID(ST_MakePoint(116.805, 39.605), 4326), $1, $2, 'staff', $3 - r, $3, $3 - r + d, o, e, c
            FROM (VALUES (1, 'closed', interval '2 days', interval '24 hours', NULL::timestamptz, NULL::timestamptz, $3 - interval '2 days' + interval '10 hours'),
                         (2, 'closed', interval '3 days', interval '24 hours', $3 - interval '2 days', NULL, $3 - interval '3 days' + interval '30 hours'),
                         (3, 'dispatched', interval '5 days', interval '24 hours', $3 - interval '4 days', $3 - interval '3 days', NULL),
                         (4, 'registered', interval '1 hour', interval '24 hours', NULL, NULL, NULL),
                         (5, 'reported', interval '200 days', interval '24 hours', NULL, NULL, NULL)) v(n, s, r, d, o, e, c)
            """))
        {
            cmd.Parameters.AddWithValue(community);
            cmd.Parameters.AddWithValue(cell);
            cmd.Parameters.AddWithValue(now);
            await cmd.ExecuteNonQueryAsync();
        }
        var row = Assert.Single(await DispatchStats.ComputeAsync(db.DataSource, "grid_cell", 90), r => r.RegionId == cell);
        Assert.Equal((4L, 2L, 1L, 1L, 2L), (row.Reported, row.Open, row.Overdue, row.Escalated, row.Closed));
        Assert.Equal(20.0, row.MedianHandlingHours); // median of 10 h and 30 h
        Assert.Equal(0.5, row.OnTimeShare);
        Assert.Contains(await DispatchStats.ComputeAsync(db.DataSource, "community", 365), r => r.RegionId == community && r.Reported == 5);
        await Assert.ThrowsAsync<Geo.Core.Common.GeoException>(() => DispatchStats.ComputeAsync(db.DataSource, "planet", 90));

        await using var app = new GeoWebFactory(db.ConnectionString);
        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var json = await planner.GetFromJsonAsync<JsonElement>("/api/incidents/stats?level=grid_cell");
        Assert.Contains(json.EnumerateArray(), e => e.GetProperty("region_id").GetInt64() == cell && e.GetProperty("on_time_share").GetDouble() == 0.5);
        var csv = await planner.GetAsync("/api/incidents/stats.csv?level=grid_cell&days=30");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("region_id,code,name,reported,open,overdue,escalated,median_handling_hours,on_time_share,closed", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{cell},", StringComparison.Ordinal) && l.EndsWith(",4,2,1,1,20,0.5,2", StringComparison.Ordinal));
        var bad = await planner.GetAsync("/api/incidents/stats?days=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"days\"", await bad.Content.ReadAsStringAsync());

        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "钱网格");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/incidents/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/incidents/stats.csv")).StatusCode);
    }
}
