using Npgsql;

namespace Geo.Core.Walking;

/// <summary>The one in-memory graph of the process. Loaded at start-up; an empty walk_edges table is not
/// cached, so a network generated or imported later is picked up by the next request. Refresh swaps
/// in a new graph atomically: queries in flight keep the one they started with.</summary>
public sealed class WalkingGraphProvider(NpgsqlDataSource dataSource)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile WalkingGraph? _graph;

    public WalkingGraph? Current => _graph;

    /// <summary>The loaded graph, loading it first when there is none (or it was empty).</summary>
    public async Task<WalkingGraph> GetAsync(CancellationToken ct = default)
    {
        if (_graph is { EdgeCount: > 0 } g) return g;
        return await RefreshAsync(onlyIfEmpty: true, ct);
    }

    public async Task<WalkingGraph> RefreshAsync(bool onlyIfEmpty = false, CancellationToken ct = default)
    {
        await _loading.WaitAsync(ct);
        try
        {
            if (onlyIfEmpty && _graph is { EdgeCount: > 0 } g) return g;
            var loaded = await WalkingGraph.LoadAsync(dataSource, ct);
            if (loaded.EdgeCount > 0) _graph = loaded;
            return loaded;
        }
        finally
        {
            _loading.Release();
        }
    }
}
