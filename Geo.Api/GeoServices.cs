using Geo.Api.Scale;
using Geo.Core.Access;
using Geo.Core.Care;
using Geo.Core.Common;
using Geo.Core.Coverage;
using Geo.Core.Data;
using Geo.Core.Deliveries;
using Geo.Core.Incidents;
using Geo.Core.Places;
using Geo.Core.Public;
using Geo.Core.Scorecard;
using Geo.Core.Walking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Geo.Api;

public static class GeoServices
{
    /// <summary>One NpgsqlDataSource (with NetTopologySuite) and a pooled DbContext factory on top of it.
    /// The connection string comes from ConnectionStrings:Geo, else GEO_DB, else the ./geo default.</summary>
    public static IServiceCollection AddGeoData(this IServiceCollection services, IConfiguration configuration)
    {
        var cs = configuration.GetConnectionString("Geo") ?? GeoDb.ConnectionStringFromEnvironment();
        // No Reset On Close: Npgsql would otherwise prepend reset statements (CLOSE ALL, UNLISTEN *, DISCARD ...)
        // to the first command after every pool rent, work as large as a short KNN query itself. Safe here
        // because nothing in Geo leaves session state behind: SET LOCAL only, temp tables ON COMMIT DROP.
        var csb = new NpgsqlConnectionStringBuilder(cs) { NoResetOnClose = true };
        // a stopped or frozen database must not hold requests for long. Short connect/pool wait unless the
        // connection string says otherwise; a cancelled statement (client gone, time budget, database down) sends
        // PostgreSQL the cancel request and breaks the connection at once instead of waiting for an answer a frozen
        // server never gives (Npgsql's Cancellation Timeout = -1).
        if (!System.Text.RegularExpressions.Regex.IsMatch(cs, @"(^|;)\s*Timeout\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase)) csb.Timeout = 3;
        if (!cs.Contains("Cancellation Timeout", StringComparison.OrdinalIgnoreCase)) csb.CancellationTimeout = -1;
        // a database on this host is not reached over TLS unless the connection string asks: with Npgsql's default
        // (Prefer) every connection, the cancel request's too, first waits for the server to answer SSLRequest,
        // which a frozen server never does
        if (!cs.Contains("SSL Mode", StringComparison.OrdinalIgnoreCase) && !cs.Contains("SslMode", StringComparison.OrdinalIgnoreCase)
            && csb.Host is "127.0.0.1" or "localhost" or "::1") csb.SslMode = SslMode.Disable;
        cs = csb.ConnectionString;
        services.AddSingleton(_ => GeoDb.CreateDataSource(cs));
        services.AddPooledDbContextFactory<GeoDbContext>((sp, o) => GeoDb.Configure(o, sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<GeoDbContext>>().CreateDbContext());
        services.AddGeoReplica(configuration); // lag-tolerant reads on a standby when ConnectionStrings:GeoRead is set
        return services;
    }

    /// <summary>The Core use cases the API and the map share, with their options bound once and checked at start
    /// (a bad setting stops the host with the setting named, instead of surfacing in a request).</summary>
    public static IServiceCollection AddGeoUseCases(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGeoOptions<WalkingOptions>(WalkingOptions.Section, o => o.Problems());
        services.AddGeoOptions<AccessOptions>(AccessOptions.Section);
        services.AddGeoOptions<ScorecardOptions>(ScorecardOptions.Section,
            o => o.RefreshAfter > TimeSpan.Zero ? [] : ["RefreshAfter must be a positive time span (e.g. 00:10:00)"]);
        services.AddSingleton(sp => new ScorecardProvider(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ScorecardOptions>(),
            graphs: sp.GetRequiredService<WalkingGraphProvider>(), walking: sp.GetRequiredService<WalkingOptions>()));

        // one walking graph per process, shared by the walking endpoints, coverage and the life-circle job
        services.AddSingleton(sp => new WalkingGraphProvider(sp.GetRequiredService<NpgsqlDataSource>()));

        // the quick-help registry: its key is checked here (a malformed one stops the host); a missing one makes the registry answer 503
        services.AddGeoOptions<CareRegistryOptions>(CareRegistryOptions.Section, o => o.Problems());
        services.AddSingleton(sp => new CareCipher(sp.GetRequiredService<CareRegistryOptions>()));
        services.AddGeoUseCaseServices();
        return services;
    }

    /// <summary>Each Core use case once, as a singleton holding its own dependencies (the data source, the walking graph,
    /// options, the cipher): endpoint handlers and components inject the same instance and pass only the request's
    /// inputs. Tests that render components register them with this too.</summary>
    public static IServiceCollection AddGeoUseCaseServices(this IServiceCollection services)
    {
        services.AddSingleton<CareRegistry>();
        services.AddSingleton<CareReach>();
        services.AddSingleton<DeliveryOrders>();
        services.AddSingleton<IncidentIntake>();
        services.AddSingleton<PublicCases>();
        services.AddSingleton<ReportCategories>();
        services.AddSingleton<IncidentTransitions>();
        services.AddSingleton<IncidentBoard>();
        services.AddSingleton<Geo.Core.Accounts.AccountDirectory>();
        services.AddSingleton<SensorIntake>();
        services.AddSingleton<DispatchStats>();
        services.AddSingleton<Choropleth>();
        services.AddSingleton<ScorecardRecords>();
        services.AddSingleton<ScorecardTrends>();
        services.AddSingleton<LifeCircleReads>();
        services.AddSingleton<CoverageEngine>();
        services.AddSingleton<WalkingCoverage>();
        services.AddSingleton<CountRules>();
        services.AddSingleton<ShelterAnalysis>();
        services.AddSingleton<SensorDensity>();
        services.AddSingleton<SiteSuggestion>();
        services.AddSingleton<RegionLocator>();
        services.AddSingleton<NearbySearch>();
        services.AddSingleton<PlaceSearch>();
        services.AddSingleton<WalkingReach>();
        services.AddSingleton<WalkingRoute>();
        services.AddSingleton<CommunityEmbed>();
        services.AddSingleton<ScreenBoard>();
        services.AddSingleton<Geo.Core.Tiles.AssetClusters>();
        return services;
    }
}
