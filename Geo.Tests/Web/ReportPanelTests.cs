using Bunit;
using Geo.Api;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Geo.Tests.Infrastructure;
using Geo.Web.Components.Views;
using Geo.Web.Localization;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Web;

/// <summary>bUnit: the map's 上报问题 form against real PostGIS, through the Core intake the API uses.</summary>
public sealed class ReportPanelTests(PostgisFixture db) : BunitContext, IClassFixture<PostgisFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private void Setup()
    {
        Services.AddSingleton(new UiLanguage());
        Services.AddSingleton(db.DataSource);
        Services.AddLogging();
        Services.AddDbContextFactory<GeoDbContext>(o => GeoDb.Configure(o, db.DataSource));
        Services.AddSingleton(new Geo.Core.Care.CareCipher(new Geo.Core.Care.CareRegistryOptions { Keys = new() { ["test"] = Convert.ToBase64String(new byte[32]) } }));
        Services.AddSingleton(new Geo.Core.Walking.WalkingGraphProvider(db.DataSource));
        Services.AddSingleton(new Geo.Core.Walking.WalkingOptions());
        Services.AddGeoUseCaseServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        AddAuthorization();
    }

    [Fact]
    public async Task A_tap_shows_the_cell_a_nearby_open_case_is_offered_and_sending_files_one_case_with_a_receipt()
    {
        await GridFixtures.CellAsync(db.DataSource, "WR", 116.64, 39.91, 0.01, "吴网格");
        Setup();
        var intake = Services.GetRequiredService<IncidentIntake>();
        var earlier = await intake.ReportAsync(new IncidentReport("sanitation", 116.6450, 39.9150, "垃圾 earlier", IncidentSource.Resident, "anonymous", GeoRoles.Resident), DateTimeOffset.UtcNow);

        var cut = Render<ReportPanel>(p => p.Add(c => c.GetMap, () => null));
        await cut.InvokeAsync(() => cut.Instance.SetLocationAsync(116.6451, 39.9150));
        cut.WaitForAssertion(() => Assert.Contains(UiText.Zh[Text.GridCell], cut.Find("[data-testid=report-place]").TextContent), Wait);

        cut.Find("[data-testid=report-category]").Change("sanitation");
        cut.WaitForAssertion(() => Assert.Contains($"#{earlier.Id}", cut.Find("[data-testid=report-duplicates]").TextContent), Wait);
        Assert.Contains(UiText.Zh[Text.ReportDuplicates], cut.Markup);

        // no description: a clear message, nothing filed
        var before = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains(UiText.Zh[Text.ReportDescription], cut.Find("[data-testid=report-error]").TextContent), Wait);
        Assert.Equal(before, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));

        cut.Find("[data-testid=report-description]").Change("垃圾桶满溢");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=report-receipt]")), Wait);
        var link = cut.Find("[data-testid=report-follow]").GetAttribute("href")!;
        Assert.StartsWith("/cases/", link);
        Assert.Equal(before + 1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_idempotency WHERE incident_id = $1",
            long.Parse(link["/cases/".Length..].Split('?')[0], System.Globalization.CultureInfo.InvariantCulture)));
    }
}
