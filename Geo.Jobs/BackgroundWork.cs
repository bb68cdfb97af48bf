using Geo.Core.Live;
using Geo.Jobs.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Jobs;

/// <summary>The hosted services an app instance runs beside its requests (the Quartz jobs are <see cref="GeoJobs"/>).</summary>
public static class BackgroundWork
{
    /// <summary>The change-feed reader that serves every <see cref="IDbNotificationSubscriber"/> (tiles, heavy results,
    /// boards, scorecard), the scorecard warm-up and the alarm linkage worker (off unless Geo:AlarmLinkage:Url is set).</summary>
    public static IServiceCollection AddGeoBackgroundWork(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DbNotificationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<DbNotificationListener>());
        // registry changes made on other instances invalidate this instance's scorecard (2.1.4 reads the registry)
        services.AddDbNotificationSubscriber<ScorecardFeed>();
        services.AddHostedService<ScorecardWarmup>();
        services.AddAlarmLinkage(configuration);
        return services;
    }
}
