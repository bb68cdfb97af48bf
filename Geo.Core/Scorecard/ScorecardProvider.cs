using System.Text.Json;
using Npgsql;

namespace Geo.Core.Scorecard;

/// <summary>Bound from <c>Geo:Scorecard</c>.</summary>
public sealed class ScorecardOptions
{
    public const string Section = "Geo:Scorecard";

    /// <summary>Load the latest snapshot (or compute) when the host starts, so the first request is served at once.</summary>
    public bool WarmOnStart { get; set; } = true;

    /// <summary>A card older than this is still served, and a recomputation starts in the background.</summary>
    public TimeSpan RefreshAfter { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The scorecard every reader is served from (the API, the planner view, CSV and report): the latest
/// computed card, or at start the latest nightly snapshot, never a computation on an anonymous request's
/// critical path once a card exists. A stale card is served while a fresh one is computed in the background
/// (stale-while-revalidate). <see cref="Invalidate"/> (a new record or survey) makes the next read wait for a
/// card computed after it: a computation that started before the invalidation is never taken as current.</summary>
public sealed class ScorecardProvider(NpgsqlDataSource db, ScorecardOptions options, TimeProvider? clock = null,
    Walking.WalkingGraphProvider? graphs = null, Walking.WalkingOptions? walking = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (Scorecard Card, long Generation)? _current;
    private long _generation;
    private int _refreshing;

    /// <summary>This provider's id in change-feed payloads: a change this instance made and already invalidated for is not
    /// invalidated again when the feed brings it back.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Where the card being served came from: "computed" or "snapshot".</summary>
    public string Source { get; private set; } = "none";

    public async Task<Scorecard> GetAsync(CancellationToken ct = default)
    {
        if (_current is { } c && c.Generation == Interlocked.Read(ref _generation))
        {
            if (_clock.GetUtcNow() - c.Card.ComputedAt > options.RefreshAfter) RefreshInBackground();
            return c.Card;
        }
        return await ComputeAsync(ct);
    }

    /// <summary>Recomputes now and serves the result (planners and admins, the nightly job).</summary>
    public Task<Scorecard> RefreshAsync(CancellationToken ct = default) => ComputeAsync(ct, force: true);

    /// <summary>The data behind the card changed (a record, a survey): the next read gets a card computed after this call.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    /// <summary>At start: the latest snapshot if there is one (milliseconds), else a computation. Either way the
    /// first request after start is served from memory.</summary>
    public async Task WarmAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is not null) return;
            var gen = Interlocked.Read(ref _generation);
            if (await LatestSnapshotAsync(db, ct) is { } snap)
            {
                _current = (snap, gen);
                Source = "snapshot";
            }
        }
        finally { _gate.Release(); }
        if (_current is null) await ComputeAsync(ct);
        else if (_clock.GetUtcNow() - _current.Value.Card.ComputedAt > options.RefreshAfter) RefreshInBackground();
    }

    private async Task<Scorecard> ComputeAsync(CancellationToken ct, bool force = false)
    {
        var wanted = Interlocked.Read(ref _generation);
        var asked = DateTimeOffset.UtcNow;
        await _gate.WaitAsync(ct);
        try
        {
            // someone computed while we waited: take theirs if it is at least as new as what we need
            if (!force && _current is { } c && c.Generation >= wanted && c.Generation == Interlocked.Read(ref _generation)) return c.Card;
            // a forced refresh joins one that started after it was asked for (sixteen refreshes queued
            // behind one lock made the last wait sixteen computations; now it waits at most two)
            if (force && _current is { } f && f.Card.ComputedAt >= asked && f.Generation == Interlocked.Read(ref _generation)) return f.Card;
            var gen = Interlocked.Read(ref _generation);
            var card = await new ScorecardEngine(db, graphs, walking).ComputeAsync(ct);
            _current = (card, gen);
            Source = "computed";
            return card;
        }
        finally { _gate.Release(); }
    }

    private void RefreshInBackground()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try { await ComputeAsync(CancellationToken.None, force: true); }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // the stale card keeps being served; the next read tries again
            }
            finally { Interlocked.Exchange(ref _refreshing, 0); }
        });
    }

    /// <summary>The newest nightly snapshot as a card (regions joined for names and hierarchy); null when none exists.</summary>
    public static async Task<Scorecard?> LatestSnapshotAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT s.taken_at, r.id, r.code, r.name, r.level, r.parent_id, r.pilot, r.population,
                   s.binding_passed, s.binding_total, s.dimensions::text, s.indicators::text
            FROM scorecard_snapshots s JOIN regions r ON r.id = s.region_id
            WHERE s.taken_at = (SELECT max(taken_at) FROM scorecard_snapshots)
            ORDER BY r.code
            """);
        var all = new List<RegionScore>();
        DateTimeOffset? at = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                at ??= r.GetFieldValue<DateTimeOffset>(0);
                var indicators = JsonSerializer.Deserialize<List<IndicatorResult>>(r.GetString(11), ScorecardStore.JsonOpts) ?? [];
                var dims = JsonSerializer.Deserialize<Dimensions>(r.GetString(10), ScorecardStore.JsonOpts) ?? new Dimensions(null, null, null, null);
                all.Add(new RegionScore(r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetInt64(5),
                    r.GetBoolean(6), r.GetInt32(7), indicators, dims, r.GetInt32(8), r.GetInt32(9),
                    indicators.Count(i => i.Passed == true), indicators.Count(i => i.Passed is not null)));
            }
        }
        if (at is null) return null;
        return new Scorecard(at.Value, 0, all.Where(x => x.Level == "community").ToList(), all.Where(x => x.Level == "subdistrict").ToList(),
            all.FirstOrDefault(x => x.Level == "district"));
    }
}
