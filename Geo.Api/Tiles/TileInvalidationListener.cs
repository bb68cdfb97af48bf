using System.Globalization;
using Geo.Core.Data.Sql;
using Geo.Core.Tiles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Api.Tiles;

/// <summary>LISTENs on the channel the tile triggers NOTIFY (see <see cref="TileTriggers"/>) and evicts
/// the cached and seeded tiles each change touches. While not listening the cache is off: a change
/// made then would never be heard of.</summary>
public sealed class TileInvalidationListener(NpgsqlDataSource dataSource, TileCache cache, TileSeedStore seeds, TileLayers layers,
    ILogger<TileInvalidationListener> log) : BackgroundService
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place (tests wait for it before changing data).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) => Apply(e.Payload);
                await using (var cmd = new NpgsqlCommand($"LISTEN {TileTriggers.Channel}", conn))
                {
                    await cmd.ExecuteNonQueryAsync(stoppingToken);
                }
                cache.SetListening(true);
                _listening.TrySetResult();
                while (true) await conn.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                cache.SetListening(false);
                log.LogWarning("tile invalidation listener lost its connection ({Message}); cache off, retrying", ex.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        cache.SetListening(false);
    }

    /// <summary>Payload: "table xmin ymin xmax ymax" (lon/lat).</summary>
    internal void Apply(string payload)
    {
        var p = payload.Split(' ');
        if (p.Length != 5 || !TryD(p[1], out var x0) || !TryD(p[2], out var y0) || !TryD(p[3], out var x1) || !TryD(p[4], out var y1))
        {
            log.LogWarning("unreadable tile notification '{Payload}': clearing the tile cache", payload);
            cache.Clear();
            return;
        }
        var source = p[0] == "regions" ? TileSource.Regions : TileSource.Assets;
        var changed = new Envelope(x0, x1, y0, y1);
        changed.ExpandBy(1e-7); // box2d extents are float4-rounded
        var evicted = cache.Invalidate(source, changed);
        var deleted = seeds.Invalidate(layers.All.Where(l => l.Source == source), changed);
        log.LogDebug("{Table} changed in {Envelope}: {Evicted} cached and {Deleted} seeded tiles dropped", p[0], changed, evicted, deleted);
    }

    private static bool TryD(string s, out double d) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d);
}
