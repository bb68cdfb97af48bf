using System.Security.Claims;
using Bunit;
using Geo.Api;
using Geo.Core.Access;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Geo.Core.Spatial;
using Geo.Tests.Infrastructure;
using Geo.Web.Components.Views;
using Geo.Web.Incidents;
using Geo.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Web;

/// <summary>bUnit: the dispatch board against real PostGIS, acting through the API's transition handler.</summary>
public sealed class DispatchBoardTests(PostgisFixture db) : BunitContext, IClassFixture<PostgisFixture>
{
    // the first query of a class builds the EF model; on a shared 2-core machine that can take seconds
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private IncidentFeed Setup(string? role, string? gridManager = null)
    {
        Services.AddSingleton(new UiLanguage());
        Services.AddSingleton(db.DataSource);
        Services.AddLogging();
        Services.AddSingleton<IncidentFeed>();
        Services.AddDbContextFactory<GeoDbContext>(o => GeoDb.Configure(o, db.DataSource));
        // the board's care reach and deliveries panels
        var cipher = new Geo.Core.Care.CareCipher(new Geo.Core.Care.CareRegistryOptions { Keys = new() { ["test"] = Convert.ToBase64String(new byte[32]) } });
        var graphs = new Geo.Core.Walking.WalkingGraphProvider(db.DataSource);
        var walking = new Geo.Core.Walking.WalkingOptions();
        Services.AddSingleton(cipher);
        Services.AddSingleton(graphs);
        Services.AddSingleton(walking);
        Services.AddGeoUseCaseServices(); // the board's use cases over these, as the app registers them
        JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = AddAuthorization();
        if (role is not null)
        {
            auth.SetAuthorized(role + "-user");
            auth.SetRoles(role);
            if (gridManager is not null) auth.SetClaims(new Claim(GeoClaims.GridManager, gridManager), new Claim(GeoClaims.DisplayName, gridManager));
        }
        return Services.GetRequiredService<IncidentFeed>();
    }

    private async Task<long> CaseAsync(IncidentStatus status, string? assignee, double lon, double lat, bool overdue = false)
    {
        await using var ctx = db.CreateContext();
        var now = DateTimeOffset.UtcNow;
        var i = new Incident
        {
            CategoryCode = "sanitation", Status = status, Description = "垃圾堆放", Geom = GeoFactory.Point(lon, lat), Assignee = assignee,
            Source = IncidentSource.Staff, ReportedAt = now, UpdatedAt = now, DeadlineAt = now.AddHours(overdue ? -1 : 48),
            OverdueAt = overdue ? now : null,
        };
        ctx.Incidents.Add(i);
        await ctx.SaveChangesAsync();
        return i.Id;
    }

    private async Task<uint> TouchAsync(long id)
    {
        await using var ctx = db.CreateContext();
        var i = await ctx.Incidents.SingleAsync(x => x.Id == id);
        i.Description += "（补充）";
        await ctx.SaveChangesAsync();
        return i.Version;
    }

    [Fact]
    public void Anonymous_users_get_the_sign_in_form_and_no_cases()
    {
        Setup(role: null);
        var cut = Render<DispatchBoard>(p => p.Add(x => x.GetMap, () => null));
        Assert.NotNull(cut.Find("[data-testid=signin] input[type=password]"));
        Assert.Empty(cut.FindAll("[data-testid=cases]"));
        Assert.Contains("请先登录", cut.Markup);
    }

    [Fact]
    public async Task Grid_manager_sees_own_cases_acts_gets_a_clear_conflict_and_live_changes()
    {
        await GridFixtures.CellAsync(db.DataSource, "DB1", 116.70, 39.90, 0.004, "王网格");
        var mine = await CaseAsync(IncidentStatus.Dispatched, "王网格", 116.701, 39.901, overdue: true);
        var other = await CaseAsync(IncidentStatus.Dispatched, "别人", 116.702, 39.902);
        var feed = Setup(GeoRoles.GridManager, "王网格");

        var cut = Render<DispatchBoard>(p => p.Add(x => x.GetMap, () => null));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"li[data-case='{mine}']")), Wait);
        Assert.Empty(cut.FindAll($"li[data-case='{other}']")); // scoped to the manager's own cases
        var row = cut.Find($"li[data-case='{mine}']");
        Assert.Contains("overdue", row.ClassName);
        Assert.Equal(new[] { "start", "reject" }, row.QuerySelectorAll("button.act").Select(b => b.GetAttribute("data-action") ?? "").ToArray());
        Assert.Empty(cut.FindAll("[data-testid=bulk-register]")); // bulk register/dispatch is the command centre's

        await cut.InvokeAsync(() => cut.Find($"li[data-case='{mine}'] button[data-action=start]").Click());
        cut.WaitForAssertion(() => Assert.Equal("in_progress", cut.Find($"li[data-case='{mine}']").GetAttribute("data-status")), Wait);

        // someone else changes the case behind the board's back: acting on the old version is a clear 409
        var fresh = await TouchAsync(mine);
        // 反馈 asks for a note first: an empty one is refused in the form, with nothing written
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{mine}'] button[data-action=resolve]").Click());
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{mine}'] [data-testid=step-form]").Submit());
        cut.WaitForAssertion(() => Assert.Contains("请填写说明", cut.Find($"li[data-case='{mine}'] [data-testid=step-error]").TextContent), Wait);
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{mine}'] [data-testid=step-note]").Input("已清理完毕"));
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{mine}'] [data-testid=step-form]").Submit());
        cut.WaitForAssertion(() => Assert.Contains("已被他人修改", cut.Find("[data-testid=board-message]").TextContent), Wait);
        Assert.Empty(cut.FindAll("[data-testid=step-form]")); // the conflict closed the form over the reloaded row
        cut.WaitForAssertion(() => Assert.Equal(fresh.ToString(), cut.Find($"li[data-case='{mine}']").GetAttribute("data-version")), Wait); // reloaded
        await using (var ctx = db.CreateContext())
            Assert.Equal(IncidentStatus.InProgress, (await ctx.Incidents.SingleAsync(i => i.Id == mine)).Status);

        // a change from elsewhere reaches the open board through the feed, without reload
        await using (var ctx = db.CreateContext())
        {
            var i = await ctx.Incidents.SingleAsync(x => x.Id == mine);
            i.Status = IncidentStatus.Resolved;
            await ctx.SaveChangesAsync();
        }
        feed.Publish(mine.ToString());
        cut.WaitForAssertion(() => Assert.Equal("resolved", cut.Find($"li[data-case='{mine}']").GetAttribute("data-status")), Wait);

        // filters: overdue only keeps it, another status hides it
        // find and fire in one dispatcher turn: the board re-renders on its own (reloads, stats), which renews handler ids
        await cut.InvokeAsync(() => cut.Find("[data-testid=filter-overdue]").Change(true));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"li[data-case='{mine}']")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=filter-status]").Change("reported"));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll($"li[data-case='{mine}']")), Wait);
    }

    private async Task HandledByAsync(long id, string actor)
    {
        await using var ctx = db.CreateContext();
        foreach (var (action, from, to) in new[] { ("start", IncidentStatus.Dispatched, IncidentStatus.InProgress), ("resolve", IncidentStatus.InProgress, IncidentStatus.Resolved) })
            ctx.IncidentEvents.Add(new IncidentEvent { IncidentId = id, Action = action, FromStatus = from, ToStatus = to, Actor = actor, ActorRole = GeoRoles.Admin, At = DateTimeOffset.UtcNow, Note = "处置" });
        await ctx.SaveChangesAsync();
    }

    [Fact]
    public async Task An_admin_who_handled_a_case_cannot_verify_it_on_the_board()
    {
        await GridFixtures.CellAsync(db.DataSource, "DB3", 116.76, 39.90, 0.004, "孙网格");
        var id = await CaseAsync(IncidentStatus.Resolved, "孙网格", 116.761, 39.901);
        await HandledByAsync(id, "admin-user"); // the bUnit principal's name
        Setup(GeoRoles.Admin);
        var cut = Render<DispatchBoard>(p => p.Add(x => x.GetMap, () => null));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"li[data-case='{id}'] button[data-action=verify]")), Wait);
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{id}'] button[data-action=verify]").Click());
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{id}'] [data-testid=step-note]").Input("现场已核实"));
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{id}'] [data-testid=step-form]").Submit());
        cut.WaitForAssertion(() => Assert.Contains("处置与核查分离", cut.Find($"li[data-case='{id}'] [data-testid=step-error]").TextContent), Wait);
        await using var ctx = db.CreateContext();
        Assert.Equal(IncidentStatus.Resolved, (await ctx.Incidents.SingleAsync(i => i.Id == id)).Status);
        Assert.Equal(0, await ctx.IncidentEvents.CountAsync(e => e.IncidentId == id && e.Action == "verify"));
    }

    [Fact]
    public async Task A_supervisor_verifies_on_the_board_with_a_note_that_is_kept()
    {
        await GridFixtures.CellAsync(db.DataSource, "DB4", 116.78, 39.90, 0.004, "钱网格");
        var id = await CaseAsync(IncidentStatus.Resolved, "钱网格", 116.781, 39.901);
        await HandledByAsync(id, "钱网格");
        Setup(GeoRoles.Supervisor);
        var cut = Render<DispatchBoard>(p => p.Add(x => x.GetMap, () => null));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"li[data-case='{id}']")), Wait);
        var row = cut.Find($"li[data-case='{id}']");
        Assert.Equal(new[] { "verify", "reject" }, row.QuerySelectorAll("button.act").Select(b => b.GetAttribute("data-action") ?? "").ToArray());
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{id}'] button[data-action=verify]").Click());
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{id}'] [data-testid=step-note]").Input("复查现场，垃圾已清运"));
        await cut.InvokeAsync(() => cut.Find($"li[data-case='{id}'] [data-testid=step-form]").Submit());
        cut.WaitForAssertion(() => Assert.Equal("verified", cut.Find($"li[data-case='{id}']").GetAttribute("data-status")), Wait);
        await using var ctx = db.CreateContext();
        var ev = await ctx.IncidentEvents.SingleAsync(e => e.IncidentId == id && e.Action == "verify");
        Assert.Equal(("复查现场，垃圾已清运", GeoRoles.Supervisor, "supervisor-user"), (ev.Note, ev.ActorRole, ev.Actor));
    }

    [Fact]
    public async Task The_board_finds_a_case_by_number_and_text_pages_past_the_first_page_and_shows_its_light()
    {
        await GridFixtures.CellAsync(db.DataSource, "DB5", 116.80, 39.90, 0.004, "吴网格");
        var ids = new List<long>();
        for (var n = 0; n < DispatchBoard.PageSize + 5; n++) ids.Add(await CaseAsync(IncidentStatus.Dispatched, "吴网格", 116.801, 39.901));
        var late = await CaseAsync(IncidentStatus.Dispatched, "吴网格", 116.801, 39.901, overdue: true);
        long needle;
        await using (var ctx = db.CreateContext())
        {
            var i = new Incident
            {
                CategoryCode = "sanitation", Status = IncidentStatus.Dispatched, Description = "西门口井盖松动异响", Geom = GeoFactory.Point(116.802, 39.902),
                Assignee = "吴网格", Source = IncidentSource.Staff, ReportedAt = DateTimeOffset.UtcNow.AddHours(-40), UpdatedAt = DateTimeOffset.UtcNow,
                DeadlineAt = DateTimeOffset.UtcNow.AddHours(4), // 4 of 44 hours left: yellow
            };
            ctx.Incidents.Add(i);
            await ctx.SaveChangesAsync();
            needle = i.Id;
        }
        Setup(GeoRoles.GridManager, "吴网格");
        var cut = Render<DispatchBoard>(p => p.Add(x => x.GetMap, () => null));
        cut.WaitForAssertion(() => Assert.Equal(DispatchBoard.PageSize, cut.FindAll("li[data-case]").Count), Wait);
        Assert.Equal("red", cut.Find($"li[data-case='{late}']").GetAttribute("data-sla")); // overdue first
        Assert.Contains("红灯", cut.Find($"li[data-case='{late}'] [data-testid=sla-light]").TextContent);
        // the next page by keyset: every case once, none lost between pages
        await cut.InvokeAsync(() => cut.Find("[data-testid=cases-more]").Click());
        cut.WaitForAssertion(() => Assert.Equal(ids.Count + 2, cut.FindAll("li[data-case]").Count), Wait);
        Assert.Equal(ids.Append(late).Append(needle).Order(), cut.FindAll("li[data-case]").Select(li => long.Parse(li.GetAttribute("data-case")!)).Order());
        Assert.Empty(cut.FindAll("[data-testid=cases-more]"));
        Assert.Equal("yellow", cut.Find($"li[data-case='{needle}']").GetAttribute("data-sla"));
        // by text (three characters of the description) and by number
        await cut.InvokeAsync(() => cut.Find("[data-testid=case-search]").Input("井盖松"));
        await cut.InvokeAsync(() => cut.Find("form.case-search").Submit());
        cut.WaitForAssertion(() => Assert.Equal([needle], cut.FindAll("li[data-case]").Select(li => long.Parse(li.GetAttribute("data-case")!))), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=case-search]").Input($"#{ids[3]}"));
        await cut.InvokeAsync(() => cut.Find("form.case-search").Submit());
        cut.WaitForAssertion(() => Assert.Equal([ids[3]], cut.FindAll("li[data-case]").Select(li => long.Parse(li.GetAttribute("data-case")!))), Wait);
    }

    [Fact]
    public async Task A_grid_managers_board_opens_the_map_on_their_own_cells()
    {
        await GridFixtures.CellAsync(db.DataSource, "DB6", 116.82, 39.91, 0.004, "郑网格");
        await GridFixtures.CellAsync(db.DataSource, "DB7", 116.84, 39.93, 0.002, "郑网格");
        Setup(GeoRoles.GridManager, "郑网格");
        var board = Services.GetRequiredService<IncidentBoard>();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, GeoRoles.GridManager), new Claim(GeoClaims.GridManager, "郑网格")], "test"));
        var e = await board.ServedExtentAsync(user);
        Assert.NotNull(e);
        // both squares: from the first one's south-west corner to the second one's north-east corner
        Assert.Equal((116.82, 39.91, 116.842, 39.932), (Math.Round(e.Value.MinLon, 6), Math.Round(e.Value.MinLat, 6), Math.Round(e.Value.MaxLon, 6), Math.Round(e.Value.MaxLat, 6)));
        var planner = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, GeoRoles.Planner)], "test"));
        Assert.Null(await board.ServedExtentAsync(planner));
        var nobody = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, GeoRoles.GridManager), new Claim(GeoClaims.GridManager, "无此人")], "test"));
        Assert.Null(await board.ServedExtentAsync(nobody));
    }

    [Fact]
    public async Task Planner_sees_all_bulk_registers_and_dispatches_and_gets_the_nearest_staff()
    {
        await GridFixtures.CellAsync(db.DataSource, "DB2", 116.71, 39.91, 0.004, "李网格");
        var a = await CaseAsync(IncidentStatus.Reported, null, 116.711, 39.911);
        var b = await CaseAsync(IncidentStatus.Reported, null, 116.712, 39.912);
        Setup(GeoRoles.Planner);

        var cut = Render<DispatchBoard>(p => p.Add(x => x.GetMap, () => null));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"li[data-case='{b}']")), Wait);
        foreach (var id in new[] { a, b }) await cut.InvokeAsync(() => cut.Find($"li[data-case='{id}'] input.pick").Change(true));
        await cut.InvokeAsync(() => cut.Find("[data-testid=bulk-register]").Click());
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("registered", cut.Find($"li[data-case='{a}']").GetAttribute("data-status"));
            Assert.Equal("registered", cut.Find($"li[data-case='{b}']").GetAttribute("data-status"));
        }, Wait);
        Assert.Contains("完成 2 件", cut.Find("[data-testid=board-message]").TextContent);

        await cut.InvokeAsync(() => cut.Find($"li[data-case='{a}'] button.case-title").Click());
        cut.WaitForAssertion(() => Assert.Contains("李网格", cut.Find("[data-testid=nearest]").TextContent), Wait);

        await cut.InvokeAsync(() => cut.Find($"li[data-case='{a}'] input.pick").Change(true));
        await cut.InvokeAsync(() => cut.Find("[data-testid=bulk-dispatch]").Click());
        cut.WaitForAssertion(() => Assert.Equal("dispatched", cut.Find($"li[data-case='{a}']").GetAttribute("data-status")), Wait);
        Assert.Equal("registered", cut.Find($"li[data-case='{b}']").GetAttribute("data-status"));
    }
}
