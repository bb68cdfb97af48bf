using Bunit;
using Geo.Api;
using Geo.Core.Domain;
using Geo.Core.Scorecard;
using Geo.Tests.Infrastructure;
using Geo.Web.Components.Views;
using Geo.Web.Localization;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Web;

/// <summary>bUnit: the planner panel against real PostGIS (scorecard engine, coverage engine, suggester).</summary>
public sealed class PlannerPanelTests(PostgisFixture db) : BunitContext, IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Scorecard_drills_down_and_coverage_lacking_and_suggestions_show_their_figures()
    {
        // a 0.004° square: the hotspot in its south-west corner, a block of 150 residents near the centre
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "PL", 116.700, 39.900, 0.004);
        await using (var ctx = db.CreateContext())
        {
            ctx.AddRange(
                AssetFixtures.Point(AssetKind.WifiHotspot, "角落热点", 116.7003, 39.9003, new WifiHotspotAttributes("TZ", 50)),
                AssetFixtures.Point(AssetKind.ResidentialBuilding, "中心楼", 116.7021, 39.9021));
            await ctx.SaveChangesAsync();
        }
        var lang = new UiLanguage();
        Services.AddSingleton(lang);
        Services.AddSingleton(db.DataSource);
        Services.AddSingleton(new ScorecardProvider(db.DataSource, new ScorecardOptions()));
        Services.AddSingleton(new Geo.Core.Walking.WalkingOptions());
        Services.AddGeoUseCaseServices();
        AddAuthorization(); // anonymous: the trend chart applies the staff-only rule of sensitive indicators

        var cut = Render<PlannerPanel>(p => p.Add(x => x.GetMap, () => null));

        // district first: its row and its town's
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("table.scorecard tbody tr").Count), TimeSpan.FromSeconds(20));
        Assert.Equal(4, cut.FindAll(".dim-row").Count);
        Assert.Equal(Indicators.All.Count, cut.FindAll("table.scorecard thead th.ind").Count);
        var ind = cut.Find("tr[data-code=PL-D] td[data-ind='1.2.1']");
        Assert.Contains(Indicators.Find("1.2.1")!.TextZh, ind.GetAttribute("title"));

        // drill down to the town: its row and its community, exports scoped to it
        await cut.InvokeAsync(() => cut.Find("tr[data-code=PL-S] button.drill").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("tr[data-code=PL-C]")), TimeSpan.FromSeconds(15));
        Assert.Contains("export.csv?level=community&parent=PL-S", cut.Find("[data-testid=export-csv]").GetAttribute("href"));
        Assert.Contains("report?level=community&parent=PL-S", cut.Find("[data-testid=report]").GetAttribute("href"));
        Assert.Contains("测试subdistrictPL", cut.Find("[data-testid=crumbs]").TextContent);
        // no life-circle run in this database: the side-by-side table says so
        cut.WaitForAssertion(() => Assert.Contains("尚无生活圈计算结果", cut.Find("[data-testid=lc-none]").TextContent), TimeSpan.FromSeconds(15));
        // no screen and no kiosk in the community: listed twice under "lacking"
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".lacking li").Count), TimeSpan.FromSeconds(15));

        await cut.InvokeAsync(() => cut.Find("[data-testid=wifi-coverage]").Click());
        cut.WaitForAssertion(() => Assert.EndsWith("%", cut.Find("[data-testid=area-share]").TextContent), TimeSpan.FromSeconds(20));
        Assert.Equal("0.0%", cut.Find("[data-testid=resident-share]").TextContent); // the block is 250 m from the hotspot

        await cut.InvokeAsync(() => cut.Find("[data-testid=suggest]").Click());
        cut.WaitForAssertion(() => Assert.Contains("+150", cut.Find("[data-testid=picks]").TextContent), TimeSpan.FromSeconds(20));

        // English tooltips after the switch
        lang.Set(Lang.En);
        cut.WaitForAssertion(() => Assert.Contains(Indicators.Find("1.2.1")!.TextEn, cut.Find("tr[data-code=PL-C] td[data-ind='1.2.1']").GetAttribute("title")), TimeSpan.FromSeconds(15));
        Assert.Contains("Export CSV", cut.Markup);
    }
}
