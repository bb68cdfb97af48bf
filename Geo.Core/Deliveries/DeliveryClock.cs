using Npgsql;

namespace Geo.Core.Deliveries;

/// <summary>What the clock did in one run: orders cancelled because no provider accepted them in time, and orders
/// escalated to the staff of their community because they were not delivered by their deadline.</summary>
public sealed record DeliveryClockRun(IReadOnlyList<long> Expired, IReadOnlyList<long> Escalated);

/// <summary>The deliveries' time limits (<see cref="DeliveryWorkflow"/>), enforced by a clustered Quartz job:
/// <list type="bullet">
/// <item>an order still <c>ordered</c> past <c>accept_by</c> (30 min) has expired: it is <b>cancelled</b>, the reason in its
/// history (action <c>expire</c>, actor <c>delivery_clock</c>), so the resident or staff order again (the workflow already
/// refuses a late accept);</item>
/// <item>an order <c>accepted</c> or <c>out</c> past <c>deliver_by</c> (2 h) is <b>escalated</b>, not cancelled: the provider
/// holds it and the goods may be on the way, so a person decides (the staff of the community see <c>escalated_at</c>; the
/// provider can still deliver, anyone allowed can still cancel). Escalated once (<c>escalated_at</c>), with its event.</item>
/// </list>
/// Exactly once per order across app instances and overlapping runs: each statement's WHERE is re-checked on the
/// locked row after a concurrent writer commits (READ COMMITTED), and the history event is written by the same statement.</summary>
public static class DeliveryClock
{
    public const string Actor = "delivery_clock";
    public const string ExpireNote = "超时未接单，自动取消: not accepted within the time limit, cancelled automatically";
    public const string EscalateNote = "超时未送达，督办: not delivered within the time limit, escalated to the community's staff";

    private const string ExpireSql = $"""
        WITH due AS (
            UPDATE deliveries SET status = 'cancelled', updated_at = $1, closed_at = $1
            WHERE status = 'ordered' AND accept_by < $1
            RETURNING id)
        INSERT INTO delivery_events (delivery_id, action, from_status, to_status, actor, actor_role, at, note)
        SELECT id, 'expire', 'ordered', 'cancelled', '{Actor}', 'system', $1, $2 FROM due
        RETURNING delivery_id
        """;

    private const string EscalateSql = $"""
        WITH due AS (
            UPDATE deliveries d SET escalated_at = $1, updated_at = $1
            WHERE status IN ('accepted', 'out') AND deliver_by < $1 AND escalated_at IS NULL
            RETURNING id, status)
        INSERT INTO delivery_events (delivery_id, action, from_status, to_status, actor, actor_role, at, note)
        SELECT id, 'escalate', status, status, '{Actor}', 'system', $1, $2 FROM due
        RETURNING delivery_id
        """;

    public static async Task<DeliveryClockRun> RunAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken ct = default) =>
        new(await IdsAsync(db, ExpireSql, now, ExpireNote, ct), await IdsAsync(db, EscalateSql, now, EscalateNote, ct));

    private static async Task<List<long>> IdsAsync(NpgsqlDataSource db, string sql, DateTimeOffset now, string note, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(note);
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
        return ids;
    }
}
