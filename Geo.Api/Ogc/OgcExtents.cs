using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Api.Ogc;

/// <summary>Each collection's extent from its own data: one grouped ST_Extent per table (asset kinds, region
/// levels), cached for <see cref="Ttl"/> so a metadata page never waits on a scan more than once per period.
/// A collection with no rows keeps the district envelope every geometry is constrained to (a CHECK). The temporal
/// extent is the span of updated_at (the property datetime filters on).</summary>
public sealed class OgcExtents(NpgsqlDataSource ds)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    public sealed record Extent(Envelope Bbox, DateTimeOffset? From, DateTimeOffset? To);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, Dictionary<string, Extent> ById)? _cache;

    public async Task<Extent> GetAsync(OgcCollection c, CancellationToken ct) =>
        (await AllAsync(ct)).TryGetValue(c.Id, out var e) ? e : new Extent(GeoFactory.DistrictExtent, null, null);

    public async Task<IReadOnlyDictionary<string, Extent>> AllAsync(CancellationToken ct)
    {
        if (_cache is { } fresh && DateTimeOffset.UtcNow - fresh.At < Ttl) return fresh.ById;
        await _gate.WaitAsync(ct);
        try
        {
            if (_cache is { } again && DateTimeOffset.UtcNow - again.At < Ttl) return again.ById;
            var byId = new Dictionary<string, Extent>(StringComparer.OrdinalIgnoreCase);
            await using var conn = await ds.OpenConnectionAsync(ct);
            foreach (var sql in new[]
            {
                "SELECT kind, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), lo, hi FROM (SELECT kind, ST_Extent(geom) e, min(updated_at) lo, max(updated_at) hi FROM assets GROUP BY kind) x",
                "SELECT level, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), lo, hi FROM (SELECT level, ST_Extent(geom) e, min(updated_at) lo, max(updated_at) hi FROM regions GROUP BY level) x",
            })
            {
                await using var cmd = new NpgsqlCommand(sql, conn);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    if (r.IsDBNull(1)) continue;
                    byId[r.GetString(0)] = new Extent(new Envelope(r.GetDouble(1), r.GetDouble(3), r.GetDouble(2), r.GetDouble(4)),
                        r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));
                }
            }
            _cache = (DateTimeOffset.UtcNow, byId);
            return byId;
        }
        finally
        {
            _gate.Release();
        }
    }
}
