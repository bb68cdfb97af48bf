using Geo.Core.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Geo.Jobs.Live;

/// <summary>The one change-feed reader of an app instance, shared by every subscriber (tile invalidation, dispatch
/// boards). It polls the outbox (<see cref="ChangeFeed"/>) after the last position it delivered, so subscribers see every
/// change in order, across reconnects, without any NOTIFY in the writers' transactions (NOTIFY serialises commits).</summary>
public sealed class DbNotificationListener(NpgsqlDataSource dataSource, IEnumerable<IDbNotificationSubscriber> subscribers,
    IConfiguration configuration, ILogger<DbNotificationListener> log) : BackgroundService
{
    private readonly IDbNotificationSubscriber[] _subscribers = subscribers.ToArray();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the reader follows the feed (tests wait for it before changing data).</summary>
    public Task Listening => _listening.Task;

    /// <summary>How many times the reader reconnected after a lost connection.</summary>
    public int Reconnects { get; private set; }

    /// <summary>The last position delivered.</summary>
    public FeedPosition Position { get; private set; }

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>How often the feed is polled (Geo:Live:PollInterval, default 200 ms): the latency of a board update.</summary>
    public TimeSpan PollInterval => configuration.GetValue("Geo:Live:PollInterval", TimeSpan.FromMilliseconds(200));

    /// <summary>How long rows stay in the feed (Geo:Live:Retention, default 1 hour).</summary>
    public TimeSpan Retention => configuration.GetValue("Geo:Live:Retention", TimeSpan.FromHours(1));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscribers.Length == 0) return;
        var topics = _subscribers.Select(s => s.Channel).ToHashSet(StringComparer.Ordinal);
        var (poll, retention) = (PollInterval, Retention);
        var lost = false;
        FeedCursor? cursor = null;
        var lastRead = DateTimeOffset.UtcNow;
        var lastPrune = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                var gap = lost && DateTimeOffset.UtcNow - lastRead > retention / 2;
                if (cursor is null || gap) cursor = await ChangeFeed.HeadAsync(conn, stoppingToken);
                await using (var tag = new NpgsqlCommand("SET application_name = 'geo change feed'", conn)) await tag.ExecuteNonQueryAsync(stoppingToken);
                var caughtUp = false;
                while (true)
                {
                    var (rows, next) = await ChangeFeed.ReadAsync(conn, cursor, ChangeFeed.BatchSize, stoppingToken);
                    lastRead = DateTimeOffset.UtcNow;
                    foreach (var row in rows)
                    {
                        if (topics.Contains(row.Topic)) Dispatch(row.Topic, row.Payload);
                        Position = row.Position;
                    }
                    cursor = next;
                    if (next.Target is not null) continue;
                    if (!caughtUp)
                    {
                        caughtUp = true;
                        if (lost) Reconnects++;
                        Each(s => s.OnListening(true, gap));
                        lost = gap = false;
                        _listening.TrySetResult();
                    }
                    if (lastRead - lastPrune > TimeSpan.FromMinutes(1))
                    {
                        lastPrune = lastRead;
                        var pruned = await ChangeFeed.PruneAsync(conn, retention, stoppingToken);
                        if (pruned > 0) log.LogDebug("{Count} change feed rows older than {Retention} pruned", pruned, retention);
                    }
                    await Task.Delay(poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                if (!lost) Each(s => s.OnListening(false, false));
                lost = true;
                log.LogWarning("the change feed reader lost its connection ({Message}); retrying in {Delay}", ex.Message, RetryDelay);
                try { await Task.Delay(RetryDelay, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        Each(s => s.OnListening(false, false));
    }

    /// <summary>Hands a change to the topic's subscribers (the reader's path; tests call it directly).</summary>
    public void Dispatch(string channel, string payload)
    {
        foreach (var s in _subscribers)
        {
            if (!string.Equals(s.Channel, channel, StringComparison.Ordinal)) continue;
            try { s.OnNotification(payload); }
            catch (Exception ex) { log.LogWarning(ex, "a subscriber of {Channel} failed", channel); }
        }
    }

    private void Each(Action<IDbNotificationSubscriber> action)
    {
        foreach (var s in _subscribers)
        {
            try { action(s); }
            catch (Exception ex) { log.LogWarning(ex, "a subscriber of {Channel} failed", s.Channel); }
        }
    }
}
