using System.Net;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Scorecard;
using Geo.Tests.Api.Contract;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Coverage;

/// <summary>How the scorecard is served: from memory, warmed from the nightly snapshot at start, recomputed only
/// for planners and admins, and never stale after an invalidation.</summary>
public sealed class ScorecardServingTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private async Task SeedAsync()
    {
        if (await CoverageWorld.ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM regions WHERE code = 'SV-C'") > 0) return;
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "SV", 116.62, 39.88, 0.01);
        await CoverageWorld.AddAsync(db.DataSource, "display_screen", "SV-screen", 116.625, 39.885, """{"kind":"display_screen","can_show_warnings":true}""");
        await CoverageWorld.BuildingAsync(db.DataSource, "SV-b", 116.626, 39.886, 300);
    }

    [Fact]
    public async Task A_new_host_serves_the_latest_snapshot_without_computing_and_the_snapshot_equals_the_computed_card()
    {
        await SeedAsync();
        var computed = await new ScorecardEngine(db.DataSource).ComputeAsync();
        await using (var cmd = db.DataSource.CreateCommand("DELETE FROM scorecard_snapshots")) await cmd.ExecuteNonQueryAsync();
        await ScorecardStore.SaveSnapshotAsync(db.DataSource, computed, default);

        var provider = new ScorecardProvider(db.DataSource, new ScorecardOptions { RefreshAfter = TimeSpan.FromDays(1) });
        await provider.WarmAsync();
        Assert.Equal("snapshot", provider.Source);
        var served = await provider.GetAsync();
        Assert.Equal(computed.ComputedAt.ToUnixTimeMilliseconds(), served.ComputedAt.ToUnixTimeMilliseconds());
        var a = computed.Communities.Single(c => c.Code == "SV-C");
        var b = served.Communities.Single(c => c.Code == "SV-C");
        Assert.Equal((a.BindingPassed, a.BindingTotal, a.Passed, a.Evaluated, a.Name, a.ParentId), (b.BindingPassed, b.BindingTotal, b.Passed, b.Evaluated, b.Name, b.ParentId));
        Assert.Equal(a.Dimensions, b.Dimensions);
        Assert.Equal(a.Indicators.Select(i => (i.Id, i.Passed, i.Value)), b.Indicators.Select(i => (i.Id, i.Passed, i.Value)));
        Assert.Equal(computed.Subdistricts.Count, served.Subdistricts.Count);
        Assert.Equal(computed.District?.Code, served.District?.Code);

        // through the host: warmed at start, the first request is served from the snapshot
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Geo:Scorecard:WarmOnStart"] = "true", ["Geo:Scorecard:RefreshAfter"] = "1.00:00:00" });
        var http = app.CreateClient();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var table = JsonDocument.Parse(await http.GetStringAsync("/api/scorecard?level=community"));
        Assert.Equal("snapshot", table.RootElement.GetProperty("source").GetString());
        Assert.Contains(table.RootElement.GetProperty("rows").EnumerateArray(), r => r.GetProperty("code").GetString() == "SV-C");
        Console.WriteLine($"first scorecard request after start: {sw.Elapsed.TotalMilliseconds:F0} ms (served from the snapshot)");
    }

    [Fact]
    public async Task Only_planners_and_admins_may_force_a_recomputation()
    {
        await SeedAsync();
        await using var app = new GeoWebFactory(db.ConnectionString);
        var anonymous = app.CreateClient();
        var res = await anonymous.GetAsync("/api/scorecard?refresh=true");
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        Assert.Null(ProblemShapeTests.CheckShape(res, 403, await res.Content.ReadAsStringAsync()));
        Assert.Equal("refresh", JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "某网格");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/scorecard?refresh=true")).StatusCode);

        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var before = DateTimeOffset.UtcNow;
        using var doc = JsonDocument.Parse(await planner.GetStringAsync("/api/scorecard?refresh=true"));
        Assert.Equal("computed", doc.RootElement.GetProperty("source").GetString());
        Assert.True(doc.RootElement.GetProperty("computed_at").GetDateTimeOffset() >= before);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/scorecard")).StatusCode);
    }

    [Fact]
    public async Task An_invalidation_during_a_computation_is_never_lost()
    {
        await SeedAsync();
        var provider = new ScorecardProvider(db.DataSource, new ScorecardOptions());
        var first = await provider.GetAsync();
        for (var round = 0; round < 5; round++)
        {
            // a computation in flight, then the data changes: whatever the in-flight one returns, the next read
            // must be a card computed after the change
            var inFlight = provider.RefreshAsync();
            provider.Invalidate();
            var changedAt = DateTimeOffset.UtcNow;
            await inFlight;
            var next = await provider.GetAsync();
            Assert.True(next.ComputedAt >= changedAt, $"round {round}: served a card computed at {next.ComputedAt:O}, before the change at {changedAt:O}");
        }
        // without a change, reads are served from memory: the same card object
        var a = await provider.GetAsync();
        Assert.Same(a, await provider.GetAsync());
        Assert.True(a.ComputedAt > first.ComputedAt);
    }
}
