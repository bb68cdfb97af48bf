using Bunit;
using Geo.Api;
using Geo.Core.Accounts;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Geo.Web.Components.Pages;
using Geo.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Web;

/// <summary>bUnit: the /admin page against real PostGIS, through the same AccountDirectory as /api/admin.</summary>
public sealed class AdminPageTests(PostgisFixture db) : BunitContext, IClassFixture<PostgisFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private sealed class NoLockouts : ISignInLockouts
    {
        public DateTimeOffset? LockedUntil(string userName) => null;
        public bool Unlock(string userName) => false;
    }

    private void Setup(string role)
    {
        Services.AddSingleton(new UiLanguage());
        Services.AddDbContextFactory<GeoDbContext>(o => GeoDb.Configure(o, db.DataSource));
        Services.AddSingleton<ISignInLockouts, NoLockouts>();
        Services.AddSingleton<AccountDirectory>();
        var auth = AddAuthorization();
        auth.SetAuthorized(role + "-user");
        auth.SetRoles(role);
    }

    [Fact]
    public void A_planner_gets_no_console()
    {
        Setup(GeoRoles.Planner);
        var cut = Render<AdminPage>();
        Assert.NotNull(cut.Find("[data-testid=admin-denied]"));
        Assert.Empty(cut.FindAll("[data-testid=accounts]"));
    }

    [Fact]
    public async Task An_admin_creates_an_account_disables_it_and_finds_both_in_the_audit_trail()
    {
        Setup(GeoRoles.Admin);
        var cut = Render<AdminPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=accounts]")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=new-user]").Change("grid-qian"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=new-display]").Change("钱网格员"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=new-password]").Change("long enough 1"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=account-new]").Submit());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("tr[data-account='grid-qian']")), Wait);
        await cut.InvokeAsync(() => cut.Find("tr[data-account='grid-qian'] [data-testid=toggle-disabled]").Click());
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("tr[data-account='grid-qian']").GetAttribute("data-disabled")), Wait);
        await using (var ctx = db.CreateContext())
        {
            var u = await ctx.Users.SingleAsync(x => x.UserName == "grid-qian");
            Assert.Equal((GeoRoles.GridManager, "钱网格员", true), (u.Role, u.GridManagerName, u.Disabled));
        }
        // a refusal is shown in words, nothing changes: the new account is not an admin's own, but a bad password is refused
        await cut.InvokeAsync(() => cut.Find("[data-testid=new-user]").Change("grid-sun"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=new-password]").Change("short"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=account-new]").Submit());
        cut.WaitForAssertion(() => Assert.Contains("password", cut.Find("[data-testid=admin-message]").TextContent), Wait);
        Assert.Empty(cut.FindAll("tr[data-account='grid-sun']"));

        await cut.InvokeAsync(() => cut.Find("[data-testid=tab-audit]").Click());
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=audit] tr[data-audit]").Count(tr => tr.TextContent.Contains("grid-qian"))), Wait);
        Assert.All(cut.FindAll("[data-testid=audit] tr[data-audit]"), tr => Assert.Contains("admin-user", tr.TextContent));
    }
}
