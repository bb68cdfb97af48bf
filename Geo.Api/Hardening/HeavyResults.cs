using System.Collections.Concurrent;
using Geo.Api.Live;
using Geo.Core.Data.Sql;

namespace Geo.Api.Hardening;

/// <summary>Identical expensive requests share one computation: the first caller starts it, the others (at the
/// same time or within <see cref="HardeningOptions.HeavyCacheSeconds"/>) get its result. Six concurrent
/// requests for a town's Wi-Fi gaps cost one computation, not six. Any asset change (the tiles' NOTIFY
/// channel) clears it, and nothing is kept while that listener is disconnected. The shared computation runs
/// with its own budget (the staff one), not a caller's token, so one caller leaving does not fail the others.</summary>
public sealed class HeavyResults(HardeningOptions options) : IDbNotificationSubscriber
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Lazy<Task<object?>> Result)> _results = new();
    private volatile bool _listening;

    public string Channel => TileTriggers.Channel;

    public async Task<T> GetAsync<T>(string key, Func<CancellationToken, Task<T>> compute, CancellationToken ct) where T : class?
    {
        if (!_listening) return await compute(ct);
        var now = DateTimeOffset.UtcNow;
        if (_results.Count > 1000) Sweep(now);
        var entry = _results.AddOrUpdate(key,
            _ => (now, Start(compute)),
            (_, old) => old.Result.IsValueCreated && old.Result.Value.IsCompleted && (old.Result.Value.IsFaulted || old.Result.Value.IsCanceled || now - old.At > Ttl)
                ? (now, Start(compute)) : old);
        if (entry.At < now) GeoMetrics.HeavyCacheHits.Add(1);
        var task = entry.Result.Value;
        return (T)(await task.WaitAsync(ct))!;
    }

    private TimeSpan Ttl => TimeSpan.FromSeconds(options.HeavyCacheSeconds);

    private Lazy<Task<object?>> Start<T>(Func<CancellationToken, Task<T>> compute) where T : class? =>
        new(async () =>
        {
            using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(options.StaffRequestSeconds));
            return await compute(budget.Token);
        });

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (k, v) in _results)
            if (now - v.At > Ttl) _results.TryRemove(k, out _);
    }

    public void OnNotification(string payload) => _results.Clear();

    public void OnListening(bool listening, bool afterGap)
    {
        _listening = listening;
        _results.Clear();
    }
}
