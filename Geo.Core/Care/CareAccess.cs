using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Domain;
using Npgsql;

namespace Geo.Core.Care;

/// <summary>Who may see the quick-help registry: the staff of a community (the grid managers of its cells) and
/// admins see its households; planners see aggregates only (shares, counts, no person); nobody else anything.
/// The one rule for the API and the map.</summary>
public static class CareScope
{
    /// <summary>The communities whose records the principal may read and change; null means all (admin).
    /// Throws Forbidden for roles that never see persons (planner, device, resident).</summary>
    public static async Task<HashSet<long>?> RecordCommunitiesAsync(NpgsqlDataSource ds, ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.IsInRole(GeoRoles.Admin)) return null;
        if (user.IsInRole(GeoRoles.GridManager)) return await ManagedCommunitiesAsync(ds, user, ct);
        throw GeoException.Forbidden("care_registry", "the registry's households are visible to the staff of their community and to admins only");
    }

    /// <summary>The communities whose aggregates (shares within 5/10/15 minutes, counts) the principal may read; null means all.</summary>
    public static async Task<HashSet<long>?> AggregateCommunitiesAsync(NpgsqlDataSource ds, ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.IsInRole(GeoRoles.Admin) || user.IsInRole(GeoRoles.Planner)) return null;
        return await RecordCommunitiesAsync(ds, user, ct);
    }

    private static async Task<HashSet<long>> ManagedCommunitiesAsync(NpgsqlDataSource ds, ClaimsPrincipal user, CancellationToken ct)
    {
        var set = new HashSet<long>();
        if (user.FindFirst(GeoClaims.GridManager)?.Value is not { Length: > 0 } name) return set;
        await using var cmd = ds.CreateCommand("""
            SELECT DISTINCT parent_id FROM regions WHERE level = 'grid_cell' AND grid_manager = $1 AND parent_id IS NOT NULL
            """);
        cmd.Parameters.AddWithValue(name);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) set.Add(r.GetInt64(0));
        return set;
    }

    /// <summary>The one community asked for, checked against the scope; null (no filter) keeps the whole scope.</summary>
    public static long[]? Narrow(HashSet<long>? scope, long? communityId)
    {
        if (communityId is { } c)
        {
            if (scope is not null && !scope.Contains(c))
                throw GeoException.Forbidden("community_id", $"community {c} is not one you are staff of");
            return [c];
        }
        return scope?.ToArray();
    }
}

/// <summary>The registry's audit log: every read (lists, single records, exports, reach reports) and every change,
/// written before the data leaves, so there is no unaudited read.</summary>
public static class CareAudit
{
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, ClaimsPrincipal user, string action, long? communityId,
        IReadOnlyCollection<long> recordIds, string? detail, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO care_registry_audit (actor, actor_role, action, community_id, record_ids, detail) VALUES ($1, $2, $3, $4, $5, $6)
            """, conn, tx);
        cmd.Parameters.AddWithValue(user.Identity?.Name ?? "unknown");
        cmd.Parameters.AddWithValue(GeoClaims.Role(user) ?? "");
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communityId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(recordIds.ToArray());
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)detail ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task WriteAsync(NpgsqlDataSource ds, ClaimsPrincipal user, string action, long? communityId,
        IReadOnlyCollection<long> recordIds, string? detail, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct);
        await WriteAsync(conn, null, user, action, communityId, recordIds, detail, ct);
    }

    public sealed record Entry(long Id, DateTimeOffset At, string Actor, string ActorRole, string Action, long? CommunityId, long[] RecordIds, string? Detail);

    /// <summary>Newest first; for admins (the API enforces the policy).</summary>
    public static async Task<List<Entry>> ListAsync(NpgsqlDataSource ds, long? recordId, int limit, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand("""
            SELECT id, at, actor, actor_role, action, community_id, record_ids, detail FROM care_registry_audit
            WHERE $1::bigint IS NULL OR record_ids @> ARRAY[$1::bigint] ORDER BY id DESC LIMIT $2
            """);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)recordId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<Entry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new Entry(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetInt64(5), r.GetFieldValue<long[]>(6), r.IsDBNull(7) ? null : r.GetString(7)));
        return list;
    }
}
