using Geo.Core.Live;
using Geo.Core.Data.Sql;

namespace Geo.Web.Incidents;

/// <summary>Pushes incident changes to open dispatch boards: the incident triggers write the changed ids to the change
/// feed (topic <see cref="IncidentTriggers.Channel"/>, see Geo.Core.Data.Sql.ChangeFeedSql), the
/// shared feed reader (Geo.Jobs' <c>DbNotificationListener</c>) reads them in order, and every board subscribed to <see cref="Changed"/>
/// re-queries. After a gap longer than the feed keeps rows it publishes "*" (re-query all).</summary>
public sealed class IncidentFeed(ILogger<IncidentFeed> log) : IDbNotificationSubscriber
{
    /// <summary>Raised with the changed ids ("*" for many or unknown); handlers must be quick.</summary>
    public event Action<string>? Changed;

    public string Channel => IncidentTriggers.Channel;

    public void OnNotification(string payload) => Publish(payload);

    public void OnListening(bool listening, bool afterGap)
    {
        // only now, with LISTEN in place again, can a re-query see everything the gap hid
        if (listening && afterGap) Publish("*");
    }

    /// <summary>Raises <see cref="Changed"/> for each subscriber, isolating their failures.</summary>
    public void Publish(string ids)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try { ((Action<string>)handler)(ids); }
            catch (Exception ex) { log.LogWarning(ex, "an incident feed subscriber failed"); }
        }
    }
}
