using Microsoft.Extensions.DependencyInjection;

namespace Geo.Core.Live;

/// <summary>Something that follows a topic of the change feed (<see cref="ChangeFeed"/>): the tile cache, the heavy-result
/// cache, the dispatch boards, the scorecard. It lives in Core so that the code owning a cache can subscribe without
/// knowing who reads the feed; the one reader of an app instance is a background service of Geo.Jobs
/// (<c>DbNotificationListener</c>, added by <c>AddGeoBackgroundWork</c>).</summary>
public interface IDbNotificationSubscriber
{
    /// <summary>The topic the database triggers publish (a constant of Geo.Core.Data.Sql).</summary>
    string Channel { get; }

    /// <summary>One change; called on the reader's thread, in feed order, so keep it quick.</summary>
    void OnNotification(string payload);

    /// <summary>The reader is (again) following the feed (<paramref name="listening"/> true) or lost its connection (false).
    /// <paramref name="afterGap"/> is true when changes may have been missed (the reader was away longer than the feed keeps
    /// rows): subscribers re-read then (boards re-query, caches drop what they hold). A short disconnection is no gap: the
    /// reader resumes after the last row it delivered, and reports listening again only once it has caught up.</summary>
    void OnListening(bool listening, bool afterGap);
}

public static class DbNotificationSubscribers
{
    /// <summary>Adds a subscriber (one singleton, also served as <see cref="IDbNotificationSubscriber"/>). Without a
    /// reader (a host that does not add Geo.Jobs' background work) nothing is delivered and subscribers stay "not
    /// listening": the tile cache, for one, stays off.</summary>
    public static IServiceCollection AddDbNotificationSubscriber<T>(this IServiceCollection services) where T : class, IDbNotificationSubscriber
    {
        services.AddSingleton<T>();
        services.AddSingleton<IDbNotificationSubscriber>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
