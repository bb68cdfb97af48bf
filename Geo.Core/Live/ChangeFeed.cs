using System.Globalization;
using Npgsql;

namespace Geo.Core.Live;

/// <summary>A place in the change feed: the writer's transaction id and the row's sequence number. Rows are
/// delivered in (xid, seq) order: every row of one transaction together, in the order it wrote them.</summary>
public readonly record struct FeedPosition(ulong Xid, long Seq);

public sealed record FeedRow(FeedPosition Position, string Topic, string Payload, DateTimeOffset At);

/// <summary>Reads the outbox the triggers write (<see cref="Data.Sql.ChangeFeedSql"/>). Only rows of transactions
/// older than the oldest one still running that could write here are read: those are final (committed or gone), and
/// every row written later belongs to a transaction with a larger id, so reading "after my position" never skips a row
/// that commits late. Transaction ids are cluster-wide, so a transaction seen running in ANOTHER database (which
/// cannot write this feed) does not hold the reader back; one that cannot be placed counts as ours (safe: it only
/// waits a poll). A long-running writer in this database delays the feed (never loses from it).</summary>
public static class ChangeFeed
{
    public const int BatchSize = 1000;

    /// <summary>The position before every change not yet final: a new reader starts here (it has just loaded
    /// its state) and hears everything committed from now on, including transactions already running.</summary>
    public static async Task<FeedPosition> HeadAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", conn);
        var xmin = ulong.Parse((string)(await cmd.ExecuteScalarAsync(ct))!, CultureInfo.InvariantCulture);
        return new FeedPosition(xmin, 0);
    }

    /// <summary>Up to <paramref name="limit"/> final rows after <paramref name="after"/>, in order.</summary>
    public static async Task<List<FeedRow>> ReadAsync(NpgsqlConnection conn, FeedPosition after, int limit = BatchSize, CancellationToken ct = default)
    {
        // the statement's snapshot decides what is visible; the bound is the oldest transaction in progress in it,
        // leaving out those positively seen running in another database (matched on the low 32 bits of the id)
        await using var cmd = new NpgsqlCommand("""
            WITH s AS (SELECT pg_current_snapshot() AS snap),
            elsewhere AS (
                SELECT backend_xid::text::bigint AS x32 FROM pg_stat_activity
                WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()),
            bound AS (
                SELECT COALESCE(
                    (SELECT min(x) FROM s, pg_snapshot_xip(s.snap) x
                     WHERE (x::text::numeric % 4294967296)::bigint NOT IN (SELECT x32 FROM elsewhere)),
                    (SELECT pg_snapshot_xmax(snap) FROM s)) AS b)
            SELECT xid::text, seq, topic, payload, at FROM change_feed, bound
            WHERE (xid, seq) > ($1::text::xid8, $2) AND xid < bound.b
            ORDER BY xid, seq LIMIT $3
            """, conn);
        cmd.Parameters.AddWithValue(after.Xid.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue(after.Seq);
        cmd.Parameters.AddWithValue(limit);
        var rows = new List<FeedRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new FeedRow(new FeedPosition(ulong.Parse(r.GetString(0), CultureInfo.InvariantCulture), r.GetInt64(1)),
                r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)));
        return rows;
    }

    /// <summary>Publishes a change from C# in the caller's transaction (what the triggers do for their tables).</summary>
    public static async Task PublishAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string topic, string payload, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("SELECT geo_publish($1, $2)", conn, tx);
        cmd.Parameters.AddWithValue(topic);
        cmd.Parameters.AddWithValue(payload);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes rows older than <paramref name="retention"/>; a reader away for longer is told it missed changes.</summary>
    public static async Task<int> PruneAsync(NpgsqlConnection conn, TimeSpan retention, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM change_feed WHERE at < now() - $1", conn);
        cmd.Parameters.AddWithValue(retention);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
