using Geo.Core.Live;
using Geo.Web.Incidents;
using Geo.Web.Localization;
using Geo.Web.Components.Public;

namespace Geo.Web.Components;

/// <summary>The Blazor map UI in two calls, so Program.cs stays a table of contents.</summary>
public static class GeoMapSetup
{
    public static WebApplicationBuilder AddGeoMap(this WebApplicationBuilder builder)
    {
        // serve collocated JS and wwwroot/lib from the build output in every environment (tests run as "Testing")
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddScoped<UiLanguage>();
        // the dispatch board's live updates: the process's one LISTEN connection, fanned out to circuits
        builder.Services.AddDbNotificationSubscriber<IncidentFeed>();
        builder.AddPublicPages();
        return builder;
    }

    public static WebApplication MapGeoMap(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapPublicPages();
        return app;
    }
}
