using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Geo.Core.Access;
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
            INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, source, reported_at, updated_at, deadline_at, overdue_at, escalated_at, closed_at, assignee)
            SELECT 'noise', s, 'stats ' || n, ST_SetSRID(ST_MakePoint(116.805, 39.605), 4326), $1, $2, 'staff', $3 - r, $3, $3 - r + d, o, e, c, '钱网格'

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
        var row = Assert.Single(await new DispatchStats(db.DataSource).ComputeAsync(Admin, "grid_cell", 90), r => r.RegionId == cell);
        Assert.Equal((4L, 2L, 1L, 1L, 2L), (row.Reported, row.Open, row.Overdue, row.Escalated, row.Closed));
        Assert.Equal(20.0, row.MedianHandlingHours); // median of 10 h and 30 h
        Assert.Equal(0.5, row.OnTimeShare);
        Assert.Contains(await new DispatchStats(db.DataSource).ComputeAsync(Admin, "community", 365), r => r.RegionId == community && r.Reported == 5);
        await Assert.ThrowsAsync<Geo.Core.Common.GeoException>(() => new DispatchStats(db.DataSource).ComputeAsync(Admin, "planet", 90));

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

        // a grid manager sees the same figures for their own cases; a resident nothing; anonymous must sign in
        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "钱网格");
        var mine = await manager.GetFromJsonAsync<JsonElement>("/api/incidents/stats?level=grid_cell");
        Assert.Contains(mine.EnumerateArray(), e => e.GetProperty("region_id").GetInt64() == cell && e.GetProperty("open").GetInt64() == 2);
        var other = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "别的网格员");
        Assert.Empty((await other.GetFromJsonAsync<JsonElement>("/api/incidents/stats?level=grid_cell")).EnumerateArray());
        var resident = await GridFixtures.ClientAsync(app, db, GeoRoles.Resident);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/incidents/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/incidents/stats.csv")).StatusCode);
    }

    private static readonly ClaimsPrincipal Admin = GeoClaims.Principal("test", 1, "admin", GeoRoles.Admin, null, null);

    private static ClaimsPrincipal Manager(string name) => GeoClaims.Principal("test", 2, name, GeoRoles.GridManager, name, name);

    /// <summary>Equal intervals computed here, independently of Choropleth.Classes: up to five classes between the
    /// smallest and largest value, as many as there are distinct values.</summary>
    private static List<(double From, double To)> ExpectedClasses(IReadOnlyCollection<double> values)
    {
        var (min, max) = (Math.Round(values.Min(), 4), Math.Round(values.Max(), 4));
        var n = min == max ? 1 : Math.Min(5, values.Distinct().Count());
        return [.. Enumerable.Range(0, n).Select(k => (Math.Round(min + k * (max - min) / n, 4), k == n - 1 ? max : Math.Round(min + (k + 1) * (max - min) / n, 4)))];
    }

    [Fact]
    public async Task Choropleth_of_a_dispatch_measure_has_the_stats_values_equal_interval_classes_and_the_callers_scope()
    {
        // three communities in three towns; overdue open cases 1, 3 and 5, the last one another manager's
        var now = DateTimeOffset.UtcNow;
        var cells = new List<(long Community, long Cell, string Manager, int Overdue)>();
        foreach (var (tag, lon, manager, overdue) in new[] { ("CA", 116.62, "孙网格", 1), ("CB", 116.64, "孙网格", 3), ("CC", 116.66, "李网格", 5) })
        {
            var (community, cell) = await GridFixtures.CellAsync(db.DataSource, tag, lon, 39.70, 0.01, manager);
            cells.Add((community, cell, manager, overdue));
            await using var cmd = db.DataSource.CreateCommand("""
                INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, source, reported_at, updated_at, deadline_at, overdue_at, assignee)
                SELECT 'noise', 'dispatched', 'choropleth ' || n, ST_SetSRID(ST_MakePoint($4, 39.705), 4326), $1, $2, 'staff', $3 - interval '3 days', $3, $3 - interval '1 day', $3, $5
                FROM generate_series(1, $6) n
                """);
            cmd.Parameters.AddWithValue(community);
            cmd.Parameters.AddWithValue(cell);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(lon + 0.005);
            cmd.Parameters.AddWithValue(manager);
            cmd.Parameters.AddWithValue(overdue);
            await cmd.ExecuteNonQueryAsync();
        }

        // Core: the regions are the stats rows, the values the stats' values, the classes equal intervals over them
        var sun = Manager("孙网格");
        var map = await new DispatchStats(db.DataSource).ChoroplethAsync(sun, "community", "overdue", 90);
        Assert.Equal([cells[0].Community, cells[1].Community], map.Regions.Select(r => r.RegionId).Order());
        Assert.Equal([(1.0, 2.0), (2.0, 3.0)], map.Legend.Select(c => (c.From, c.To)));
        Assert.Equal([1, 1], map.Legend.Select(c => c.Count));
        Assert.All(map.Regions, r => Assert.True(r.Outline.IsValid && r.Outline.Area > 0));
        await Assert.ThrowsAsync<Geo.Core.Common.GeoException>(() => new DispatchStats(db.DataSource).ChoroplethAsync(sun, "grid_cell", "overdue", 90));

        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        foreach (var measure in DispatchStats.Measures)
        foreach (var level in new[] { "community", "subdistrict" }) // grid cells need a parent: the next test
        {
            var stats = (await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/stats?level={level}")).EnumerateArray().ToList();
            var api = await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/stats/choropleth?level={level}&measure={measure}");
            Assert.Equal(measure, api.GetProperty("measure").GetString());
            var values = stats.Where(s => s.GetProperty(measure).ValueKind == JsonValueKind.Number).Select(s => s.GetProperty(measure).GetDouble()).ToList();
            var legend = api.GetProperty("legend").EnumerateArray().Select(c => (c.GetProperty("from").GetDouble(), c.GetProperty("to").GetDouble())).ToList();
            Assert.Equal(values.Count == 0 ? [] : ExpectedClasses(values), legend);
            var features = api.GetProperty("features").EnumerateArray().ToList();
            Assert.Equal(stats.Select(s => s.GetProperty("region_id").GetInt64()).Order(), features.Select(f => f.GetProperty("properties").GetProperty("region_id").GetInt64()).Order());
            foreach (var f in features)
            {
                var p = f.GetProperty("properties");
                var row = stats.Single(s => s.GetProperty("region_id").GetInt64() == p.GetProperty("region_id").GetInt64());
                Assert.Equal(row.GetProperty(measure).ToString(), p.GetProperty("value").ToString());
                Assert.Contains(f.GetProperty("geometry").GetProperty("type").GetString(), new[] { "Polygon", "MultiPolygon" });
            }
        }
        // scope over HTTP: 李网格 sees only their community; anonymous must sign in; bad input names the parameter
        var li = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "李网格");
        var liMap = await li.GetFromJsonAsync<JsonElement>("/api/incidents/stats/choropleth?level=community&measure=overdue");
        var liRegion = Assert.Single(liMap.GetProperty("features").EnumerateArray());
        Assert.Equal(cells[2].Community, liRegion.GetProperty("properties").GetProperty("region_id").GetInt64());
        Assert.Equal(5, liRegion.GetProperty("properties").GetProperty("value").GetDouble());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/incidents/stats/choropleth?level=community&measure=open")).StatusCode);
        foreach (var (query, parameter) in new[] { ("measure=speed", "measure"), ("level=grid_cell", "parent"), ("level=planet", "level"), ("days=0", "days") })
        {
            var bad = await li.GetAsync("/api/incidents/stats/choropleth?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(parameter, (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
        }
    }

    [Fact]
    public async Task Every_region_in_scope_is_a_row_with_zeros_and_a_communitys_grid_cells_map_with_no_data_only_where_undefined()
    {
        // community ZA: cell 1 with an open overdue escalated case and a case closed on time; cell 2 without cases.
        // community ZB (same manager): no cases at all
        var now = DateTimeOffset.UtcNow;
        var (za, cell1) = await GridFixtures.CellAsync(db.DataSource, "ZA", 116.70, 39.80, 0.02, "周网格");
        var (zb, zbCell) = await GridFixtures.CellAsync(db.DataSource, "ZB", 116.74, 39.80, 0.02, "周网格");
        long cell2;
        await using (var cmd = db.DataSource.CreateCommand("""
            INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, pilot, synthetic, grid_manager)
            VALUES ('grid_cell', 'ZA-G2', '测试网格ZA二', $1, ST_Multi(ST_MakeEnvelope(116.71, 39.80, 116.72, 39.81, 4326)), 10, 2, false, true, '周网格') RETURNING id
            """))
        {
            cmd.Parameters.AddWithValue(za);
            cell2 = (long)(await cmd.ExecuteScalarAsync())!;
        }
        await using (var cmd = db.DataSource.CreateCommand("""
            INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, source, reported_at, updated_at, deadline_at, overdue_at, escalated_at, closed_at, assignee)
            VALUES ('noise', 'dispatched', 'zero rows 1', ST_SetSRID(ST_MakePoint(116.705, 39.805), 4326), $1, $2, 'staff', $3 - interval '3 days', $3, $3 - interval '2 days', $3 - interval '2 days', $3 - interval '1 day', NULL, '周网格'),
                   ('noise', 'closed', 'zero rows 2', ST_SetSRID(ST_MakePoint(116.705, 39.805), 4326), $1, $2, 'staff', $3 - interval '3 days', $3, $3 - interval '2 days', NULL, NULL, $3 - interval '70 hours', '周网格')
            """))
        {
            cmd.Parameters.AddWithValue(za);
            cmd.Parameters.AddWithValue(cell1);
            cmd.Parameters.AddWithValue(now);
            await cmd.ExecuteNonQueryAsync();
        }

        // the command centre: one row per community in the database, each equal to an independent count of its cases
        var rows = await new DispatchStats(db.DataSource).ComputeAsync(Admin, "community", 90);
        var expected = new Dictionary<long, (long Reported, long Open, long Overdue, long Escalated, long Closed)>();
        await using (var cmd = db.DataSource.CreateCommand("""
            SELECT r.id,
                   (SELECT count(*) FROM incidents i WHERE i.community_id = r.id AND i.reported_at >= now() - interval '90 days'),
                   (SELECT count(*) FROM incidents i WHERE i.community_id = r.id AND i.reported_at >= now() - interval '90 days' AND i.closed_at IS NULL AND i.status NOT IN ('closed', 'rejected', 'resolved', 'verified')),
                   (SELECT count(*) FROM incidents i WHERE i.community_id = r.id AND i.reported_at >= now() - interval '90 days' AND i.closed_at IS NULL AND i.status NOT IN ('closed', 'rejected', 'resolved', 'verified') AND i.overdue_at IS NOT NULL),
                   (SELECT count(*) FROM incidents i WHERE i.community_id = r.id AND i.reported_at >= now() - interval '90 days' AND i.closed_at IS NULL AND i.status NOT IN ('closed', 'rejected', 'resolved', 'verified') AND i.escalated_at IS NOT NULL),
                   (SELECT count(*) FROM incidents i WHERE i.community_id = r.id AND i.reported_at >= now() - interval '90 days' AND i.closed_at IS NOT NULL)
            FROM regions r WHERE r.level = 'community'
            """))
        await using (var rd = await cmd.ExecuteReaderAsync())
            while (await rd.ReadAsync()) expected[rd.GetInt64(0)] = (rd.GetInt64(1), rd.GetInt64(2), rd.GetInt64(3), rd.GetInt64(4), rd.GetInt64(5));
        Assert.Equal(expected.Keys.Order(), rows.Select(r => r.RegionId).Order());
        foreach (var r in rows)
        {
            Assert.Equal(expected[r.RegionId], (r.Reported, r.Open, r.Overdue, r.Escalated, r.Closed));
            Assert.Equal(r.Closed == 0, r.MedianHandlingHours is null);
            Assert.Equal(r.Closed == 0, r.OnTimeShare is null);
        }
        var zbRow = rows.Single(r => r.RegionId == zb);
        Assert.Equal((0L, 0L, 0L, 0L, 0L, (double?)null, (double?)null), (zbRow.Reported, zbRow.Open, zbRow.Overdue, zbRow.Escalated, zbRow.Closed, zbRow.MedianHandlingHours, zbRow.OnTimeShare));

        // the manager: exactly the communities and cells they manage, the quiet ones as zeros
        var zhou = Manager("周网格");
        Assert.Equal([za, zb], (await new DispatchStats(db.DataSource).ComputeAsync(zhou, "community", 90)).Select(r => r.RegionId).Order());
        Assert.Equal([cell1, zbCell, cell2], (await new DispatchStats(db.DataSource).ComputeAsync(zhou, "grid_cell", 90)).Select(r => r.RegionId).Order());
        Assert.Equal([cell1, cell2], (await new DispatchStats(db.DataSource).ComputeAsync(zhou, "grid_cell", 90, "ZA-C")).Select(r => r.RegionId).Order());
        // the community map draws the quiet community as 0 (a class colour), not as no data
        var communities = await new DispatchStats(db.DataSource).ChoroplethAsync(zhou, "community", "open", 90);
        var quiet = communities.Regions.Single(r => r.RegionId == zb);
        Assert.Equal((0.0, false), (quiet.Value, quiet.Class is null));
        Assert.NotEqual(communities.NoDataColour, quiet.Colour);
        Assert.Equal(0, communities.NoData);

        // grid cells of ZA: cell 2 is 0 open (coloured), but its on-time share is undefined (no data)
        var open = await new DispatchStats(db.DataSource).ChoroplethAsync(zhou, "grid_cell", "open", 90, "ZA-C");
        Assert.Equal([(cell1, 1.0), (cell2, 0.0)], open.Regions.Select(r => (r.RegionId, r.Value!.Value)).Order());
        Assert.All(open.Regions, r => Assert.NotNull(r.Class));
        Assert.Equal("ZA-C", open.Parent);
        var onTime = await new DispatchStats(db.DataSource).ChoroplethAsync(zhou, "grid_cell", "on_time_share", 90, "ZA-C");
        Assert.Equal(1.0, onTime.Regions.Single(r => r.RegionId == cell1).Value);
        var undefined = onTime.Regions.Single(r => r.RegionId == cell2);
        Assert.Equal((null, null, onTime.NoDataColour), (undefined.Value, undefined.Class, undefined.Colour));
        Assert.Equal(1, onTime.NoData);

        // over HTTP: the same map; a parent is required, must exist one level up; another manager sees none of these cells
        await using var app = new GeoWebFactory(db.ConnectionString);
        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "周网格");
        var api = await manager.GetFromJsonAsync<JsonElement>("/api/incidents/stats/choropleth?level=grid_cell&parent=ZA-C&measure=open");
        Assert.Equal("ZA-C", api.GetProperty("parent").GetString());
        Assert.Equal([cell1, cell2], api.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("region_id").GetInt64()).Order());
        var csv = await manager.GetStringAsync("/api/incidents/stats.csv?level=grid_cell&parent=ZA-C");
        Assert.Contains($"\r\n{cell2},\"ZA-G2\",\"测试网格ZA二\",0,0,0,0,,,0\r\n", csv);
        foreach (var (query, status, parameter) in new[] { ("level=grid_cell&measure=open", 400, "parent"), ("level=grid_cell&parent=NOPE&measure=open", 404, "parent"),
                     ("level=grid_cell&parent=ZA-S&measure=open", 404, "parent"), ("level=community&parent=" + new string('x', 65), 400, "parent") })
        {
            var bad = await manager.GetAsync("/api/incidents/stats/choropleth?" + query);
            Assert.Equal(status, (int)bad.StatusCode);
            Assert.Equal(parameter, (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
        }
        var other = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "吴网格");
        Assert.Empty((await other.GetFromJsonAsync<JsonElement>("/api/incidents/stats/choropleth?level=grid_cell&parent=ZA-C&measure=open")).GetProperty("features").EnumerateArray());
    }
}
