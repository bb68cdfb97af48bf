using System.Globalization;
using Npgsql;

namespace Geo.Core.Live;

/// <summary>A place in the change feed: the writer's transaction id and the row's sequence number. Rows are
/// delivered in (xid, seq) order: every row of one transaction together, in the order it wrote them.</summary>
public readonly record struct FeedPosition(ulong Xid, long Seq);

public sealed record FeedRow(FeedPosition Position, string Topic, string Payload, DateTimeOffset At);

/// <summary>Where a reader is: <paramref name="Seen"/> is a snapshot (<c>pg_snapshot</c> text) whose every visible
/// feed row has been delivered; while a large delta is read in batches, <paramref name="Target"/> is the snapshot being
/// caught up to and <paramref name="Last"/> the last row of it delivered. Plain numbers: it survives reconnects.</summary>
public sealed record FeedCursor(string Seen, string? Target, FeedPosition Last);

public sealed record FeedBatch(List<FeedRow> Rows, FeedCursor Next);

/// <summary>Reads the outbox the triggers write (<see cref="Data.Sql.ChangeFeedSql"/>) in commit order: each read takes
/// the rows of the transactions that became visible since the reader's last snapshot (those that were in progress in
/// it or started after it, and are committed now), in (xid, seq) order within one read. A transaction that commits
/// late is delivered when it commits, and never holds back the transactions that committed before it: a long-running
/// writer in the same database (a big import, a forgotten open transaction) delays nothing but its own rows. The cost
/// of a read is bounded by what is new plus the transactions still running, not by how long the oldest one runs.</summary>
public static class ChangeFeed
{
    public const int BatchSize = 1000;

    /// <summary>The current snapshot: a new reader starts here (it has just loaded its state) and hears everything
    /// committed from now on, including transactions already running.</summary>
    public static async Task<FeedCursor> HeadAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_current_snapshot()::text", conn);
        return new FeedCursor((string)(await cmd.ExecuteScalarAsync(ct))!, null, default);
    }

    /// <summary>Up to <paramref name="limit"/> rows that became visible since <paramref name="cursor"/>, in order, and the cursor after them.</summary>
    public static async Task<FeedBatch> ReadAsync(NpgsqlConnection conn, FeedCursor cursor, int limit = BatchSize, CancellationToken ct = default)
    {
        // newly visible = visible in the target snapshot and not in the seen one, i.e. at or past the seen snapshot's
        // xmax or in its in-progress list: an index range plus a few index probes, however old the oldest writer is
        await using var cmd = new NpgsqlCommand("""
            WITH t AS (SELECT COALESCE($2::text::pg_snapshot, pg_current_snapshot()) AS target, $1::text::pg_snapshot AS seen)
            SELECT t.target::text, r.xid::text, r.seq, r.topic, r.payload, r.at
            FROM t LEFT JOIN LATERAL (
                SELECT f.xid, f.seq, f.topic, f.payload, f.at FROM change_feed f
                WHERE (f.xid >= pg_snapshot_xmax(t.seen) OR f.xid = ANY (ARRAY(SELECT pg_snapshot_xip(t.seen))))
                  AND pg_visible_in_snapshot(f.xid, t.target)
                  AND (f.xid, f.seq) > ($3::text::xid8, $4)
                ORDER BY f.xid, f.seq LIMIT $5) r ON true
            """, conn);
        cmd.Parameters.AddWithValue(cursor.Seen);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)cursor.Target ?? DBNull.Value);
        cmd.Parameters.AddWithValue(cursor.Last.Xid.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue(cursor.Last.Seq);
        cmd.Parameters.AddWithValue(limit);
        var rows = new List<FeedRow>();
        string target = cursor.Seen;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                target = r.GetString(0);
                if (r.IsDBNull(1)) continue;
                rows.Add(new FeedRow(new FeedPosition(ulong.Parse(r.GetString(1), CultureInfo.InvariantCulture), r.GetInt64(2)),
                    r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5)));
            }
        // a full batch: more of this delta may follow, keep reading up to the same target; else the target is all seen
        return new FeedBatch(rows, rows.Count >= limit
            ? new FeedCursor(cursor.Seen, target, rows[^1].Position)
            : new FeedCursor(target, null, default));
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
