using System.Globalization;
using Npgsql;

namespace Geo.Core.Live;

/// <summary>A place in the change feed: the writer's transaction id and the row's sequence number. Rows are
/// delivered in (xid, seq) order: every row of one transaction together, in the order it wrote them.</summary>
public readonly record struct FeedPosition(ulong Xid, long Seq);

public sealed record FeedRow(FeedPosition Position, string Topic, string Payload, DateTimeOffset At);

/// <summary>Reads the outbox the triggers write (<see cref="Data.Sql.ChangeFeedSql"/>). Only rows of transactions
/// older than the oldest still running are read: those are final (committed or gone), and every row written later
/// belongs to a transaction with a larger id, so reading "after my position" never skips a row that commits late.
/// A long-running writer delays the feed (never loses from it).</summary>
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
        await using var cmd = new NpgsqlCommand("""
            SELECT xid::text, seq, topic, payload, at FROM change_feed
            WHERE (xid, seq) > ($1::text::xid8, $2) AND xid < pg_snapshot_xmin(pg_current_snapshot())
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
