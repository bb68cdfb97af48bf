using Geo.Core.Care;
using Geo.Core.Live;
using Geo.Core.Scorecard;

namespace Geo.Jobs.Live;

/// <summary>Keeps every app instance's served scorecard current with the quick-help registry (2.1.4 reads it): a registry
/// change made on another instance arrives on the change feed (topic <see cref="CareRegistry.FeedTopic"/>, published after
/// the household's walking times are stored) and invalidates this instance's card; the instance that made the change has
/// already invalidated its own and skips its echo. After a gap (changes possibly missed) the card is invalidated too.</summary>
public sealed class ScorecardFeed(ScorecardProvider cards) : IDbNotificationSubscriber
{
    public string Channel => CareRegistry.FeedTopic;

    /// <summary>How many registry changes of other instances invalidated the card.</summary>
    public int Invalidations { get; private set; }

    public void OnNotification(string payload)
    {
        if (payload.StartsWith(cards.InstanceId + ":", StringComparison.Ordinal)) return;
        cards.Invalidate();
        Invalidations++;
    }

    public void OnListening(bool listening, bool afterGap)
    {
        if (listening && afterGap) cards.Invalidate();
    }
}
