using System.Collections.Concurrent;
using Geo.Core.Live;
using Geo.Core.Data.Sql;

namespace Geo.Api.Hardening;

/// <summary>Identical expensive requests share one computation: the first caller starts it, the others (at the
/// same time or within <see cref="HardeningOptions.HeavyCacheSeconds"/>) get its result. Six concurrent
/// requests for a town's Wi-Fi gaps cost one computation, not six. Any asset change (the tiles' NOTIFY
/// channel) clears it, and nothing is kept while that listener is disconnected. The shared computation is
/// cancelled (its statement too) when every caller waiting for it has gone (client left, time budget spent),
/// so one caller leaving does not fail the others, and nobody left means no work left.</summary>
public sealed class HeavyResults(HardeningOptions options) : IDbNotificationSubscriber
{
    private sealed class Entry(DateTimeOffset at)
    {
        public DateTimeOffset At { get; } = at;
        public CancellationTokenSource Cancel { get; } = new();
        public int Waiting;
        public Task<object?> Result = Task.FromResult<object?>(null);
    }

    private readonly ConcurrentDictionary<string, Entry> _results = new();
    private volatile bool _listening;

    public string Channel => TileTriggers.Channel;

    public async Task<T> GetAsync<T>(string key, Func<CancellationToken, Task<T>> compute, CancellationToken ct) where T : class?
    {
        if (!_listening) return await compute(ct);
        var now = DateTimeOffset.UtcNow;
        if (_results.Count > 1000) Sweep(now);
        Entry entry;
        while (true)
        {
            entry = _results.GetOrAdd(key, _ => Start(now, compute));
            var r = entry.Result;
            var stale = r.IsCompleted && (r.IsFaulted || r.IsCanceled || now - entry.At > Ttl);
            if (!stale && Interlocked.Increment(ref entry.Waiting) > 0) break;
            _results.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
        if (entry.At < now) GeoMetrics.HeavyCacheHits.Add(1);
        try
        {
            return (T)(await entry.Result.WaitAsync(ct))!;
        }
        finally
        {
            // the last caller to leave an unfinished computation cancels it; the entry is then stale for the next one
            if (Interlocked.Decrement(ref entry.Waiting) == 0 && !entry.Result.IsCompleted)
            {
                Interlocked.Exchange(ref entry.Waiting, int.MinValue / 2);
                entry.Cancel.Cancel();
                _results.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    private TimeSpan Ttl => TimeSpan.FromSeconds(options.HeavyCacheSeconds);

    private Entry Start<T>(DateTimeOffset now, Func<CancellationToken, Task<T>> compute) where T : class?
    {
        var e = new Entry(now);
        e.Cancel.CancelAfter(TimeSpan.FromSeconds(options.StaffRequestSeconds));
        e.Result = Task.Run(async () => (object?)await compute(e.Cancel.Token));
        return e;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (k, v) in _results)
            if (v.Result.IsCompleted && now - v.At > Ttl) _results.TryRemove(k, out _);
    }

    public void OnNotification(string payload) => _results.Clear();

    public void OnListening(bool listening, bool afterGap)
    {
        _listening = listening;
        _results.Clear();
    }
}
