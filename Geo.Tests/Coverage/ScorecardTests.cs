using System.Net;
using System.Text.Json;
using Geo.Core.Scorecard;
using Geo.Jobs;
using Geo.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Geo.Tests.Coverage;

public sealed class ScorecardTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public void The_standard_has_32_indicators_with_the_documents_tally()
    {
        Assert.Equal(32, Indicators.All.Count);
        Assert.Equal(32, Indicators.All.Select(i => i.Id).Distinct().Count());
        // 基础建设 7 (1 expected), 服务 12 (3 expected), 管理 7 (4 expected), 保障 4, 评估 2
        var byGroup = Indicators.All.GroupBy(i => i.Id[0]).ToDictionary(g => g.Key, g => (All: g.Count(), Expected: g.Count(i => i.Kind == IndicatorKind.Expected)));
        Assert.Equal((7, 1), byGroup['1']);
        Assert.Equal((12, 3), byGroup['2']);
        Assert.Equal((7, 4), byGroup['3']);
        Assert.Equal((4, 0), byGroup['4']);
        Assert.Equal((2, 0), byGroup['5']);
        Assert.All(Indicators.All.Where(i => i.Source == IndicatorSource.Computed), i => Assert.False(string.IsNullOrWhiteSpace(i.Rule)));
    }

    [Fact]
    public async Task Computed_and_recorded_indicators_roll_up_and_snapshots_make_history()
    {
        var (communityId, _) = await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "S1", 116.62, 39.88, 0.01);
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "S2", 116.70, 39.88, 0.01);
        // S1 has a warning screen, a kiosk and a shelter next to its only building; S2 has nothing
        await CoverageWorld.AddAsync(db.DataSource, "display_screen", "S1-screen", 116.625, 39.885, """{"kind":"display_screen","can_show_warnings":true}""");
        await CoverageWorld.AddAsync(db.DataSource, "kiosk", "S1-kiosk", 116.626, 39.885, """{"kind":"kiosk"}""");
        await CoverageWorld.AddAsync(db.DataSource, "shelter", "S1-shelter", 116.627, 39.886, """{"kind":"shelter","capacity":500}""");
        await CoverageWorld.BuildingAsync(db.DataSource, "S1-b", 116.626, 39.886, 300);
        await CoverageWorld.BuildingAsync(db.DataSource, "S2-b", 116.706, 39.886, 300);
        var s1District = await CoverageWorld.ScalarAsync<long>(db.DataSource, "SELECT id FROM regions WHERE code = 'S1-D'");
        await ScorecardStore.AddRecordAsync(db.DataSource, "4.1", s1District, true, null, "区智慧社区协调小组成立文件", new DateOnly(2026, 3, 1), "admin", default);
        await ScorecardStore.AddSurveyAsync(db.DataSource, communityId, 4.0, 120, DateOnly.FromDateTime(DateTime.UtcNow), "admin", default);

        var card = await new ScorecardEngine(db.DataSource).ComputeAsync();
        var s1 = card.Communities.Single(c => c.Code == "S1-C");
        var s2 = card.Communities.Single(c => c.Code == "S2-C");
        IndicatorResult I(RegionScore r, string id) => r.Indicators.Single(i => i.Id == id);

        Assert.True(I(s1, "1.2.1").Passed);
        Assert.False(I(s2, "1.2.1").Passed);
        Assert.True(I(s1, "2.3.3").Passed);       // 60 residents aged 60+ → 1 kiosk required
        Assert.True(I(s1, "3.2.3").Passed);       // warning screen + shelter in reach of every resident
        Assert.False(I(s2, "3.2.3").Passed);
        Assert.Equal(1.0, I(s1, "3.2.3").Value);
        Assert.True(I(s1, "1.1.2").Passed);       // one grid cell covers the community; buildings registered
        Assert.True(I(s1, "4.1").Passed);         // recorded on the district, applies to its communities
        Assert.Equal("recorded", I(s1, "4.1").Source);
        Assert.Null(I(s2, "4.1").Passed);         // nothing recorded for S2's district
        Assert.Equal(75.0, s1.Dimensions.Perception);
        Assert.Null(s2.Dimensions.Perception);
        Assert.Equal(1.0, I(s1, "5.2").Value);
        Assert.True(s1.BindingPassed > s2.BindingPassed);

        var town = card.Subdistricts.Single(s => s.Code == "S1-S");
        Assert.Equal(1.0, town.Indicators.Single(i => i.Id == "1.2.1").Value);

        await new ScorecardSnapshotJob(db.DataSource, new ScorecardProvider(db.DataSource, new ScorecardOptions()), new Geo.Core.Walking.WalkingGraphProvider(db.DataSource), new Geo.Core.Walking.WalkingOptions(), NullLogger<ScorecardSnapshotJob>.Instance).Execute(null!, default);
        await new ScorecardSnapshotJob(db.DataSource, new ScorecardProvider(db.DataSource, new ScorecardOptions()), new Geo.Core.Walking.WalkingGraphProvider(db.DataSource), new Geo.Core.Walking.WalkingOptions(), NullLogger<ScorecardSnapshotJob>.Instance).Execute(null!, default);
        var history = await ScorecardStore.HistoryAsync(db.DataSource, communityId, 10, default);
        Assert.Equal(2, history.Count);
        Assert.Equal(s1.BindingPassed, history[^1].BindingPassed);
    }

    [Fact]
    public async Task Scorecard_and_coverage_endpoints_answer_and_reject_bad_input_with_problem_details()
    {
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "S3", 116.80, 39.70, 0.01);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        var table = await http.GetAsync("/api/scorecard?level=community");
        Assert.Equal(HttpStatusCode.OK, table.StatusCode);
        using (var doc = JsonDocument.Parse(await table.Content.ReadAsStringAsync()))
            Assert.Contains(doc.RootElement.GetProperty("rows").EnumerateArray(), r => r.GetProperty("code").GetString() == "S3-C");

        var csv = await http.GetByteArrayAsync("/api/scorecard/export.csv?level=community");
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        Assert.Contains("S3-C", System.Text.Encoding.UTF8.GetString(csv));

        await AssertProblemAsync(await http.GetAsync("/api/scorecard?level=galaxy"), HttpStatusCode.BadRequest, "level");
        await AssertProblemAsync(await http.GetAsync("/api/coverage/wifi?region=nowhere"), HttpStatusCode.NotFound, "region");
        await AssertProblemAsync(await http.GetAsync("/api/coverage/reach?kind=kiosk&region=S3-C&radius_m=-5"), HttpStatusCode.BadRequest, "radius_m");
        await AssertProblemAsync(await http.GetAsync("/api/coverage/reach?kind=toaster"), HttpStatusCode.BadRequest, "kind");
        var bowtie = """{"polygon":{"type":"Polygon","coordinates":[[[116.6,39.9],[116.61,39.91],[116.61,39.9],[116.6,39.91],[116.6,39.9]]]}}""";
        await AssertProblemAsync(await http.PostAsync("/api/coverage/area", new StringContent(bowtie, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "polygon");
        var wifi = await http.GetAsync("/api/coverage/wifi?region=S3-C&gaps=true");
        Assert.Equal(HttpStatusCode.OK, wifi.StatusCode);
        using (var doc = JsonDocument.Parse(await wifi.Content.ReadAsStringAsync()))
            Assert.Equal(0.0, doc.RootElement.GetProperty("area_share").GetDouble());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage res, HttpStatusCode status, string field)
    {
        Assert.Equal(status, res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        var body = await res.Content.ReadAsStringAsync();
        Assert.Contains(field, body);
    }
}

public sealed class ScorecardWriteTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Only_admins_record_indicators_and_surveys_and_the_scorecard_reflects_them()
    {
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "R1", 116.66, 39.80, 0.01);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var record = new StringContent("""{"indicator_id":"4.3","region_code":"R1-C","passed":true,"evidence":"社区书记兼任智慧社区负责人（任命文件 2026-5）","recorded_on":"2026-05-01"}""",
            System.Text.Encoding.UTF8, "application/json");

        var anonymous = await app.CreateClient().PostAsync("/api/scorecard/records", record);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var planner = await GridFixtures.ClientAsync(app, db, "planner");
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.PostAsync("/api/scorecard/records", record)).StatusCode);

        var admin = await GridFixtures.ClientAsync(app, db, "admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/scorecard/records", record)).StatusCode);
        var computed = new StringContent("""{"indicator_id":"1.2.1","region_code":"R1-C","passed":true,"evidence":"x"}""", System.Text.Encoding.UTF8, "application/json");
        var rejected = await admin.PostAsync("/api/scorecard/records", computed);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Contains("indicator_id", await rejected.Content.ReadAsStringAsync());
        var survey = new StringContent("""{"region_code":"R1-C","mean_rating":3.0,"respondents":40}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/scorecard/surveys", survey)).StatusCode);

        using var doc = JsonDocument.Parse(await admin.GetStringAsync("/api/scorecard/R1-C"));
        var ind = doc.RootElement.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "4.3");
        Assert.True(ind.GetProperty("passed").GetBoolean());
        Assert.Equal(50.0, doc.RootElement.GetProperty("dimensions").GetProperty("perception").GetDouble());
    }
}
