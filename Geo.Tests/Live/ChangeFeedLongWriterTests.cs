using Geo.Core.Live;
using Geo.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Geo.Tests.Live;

/// <summary>The change feed under a long-running writer in the same database: rows of transactions that commit while
/// it runs are delivered at once (commit order), its own rows when it commits, every row exactly once.</summary>
public sealed class ChangeFeedLongWriterTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private async Task PublishAsync(NpgsqlConnection conn, params string[] payloads)
    {
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var p in payloads) await ChangeFeed.PublishAsync(conn, tx, "feed_test", p);
        await tx.CommitAsync();
    }

    private static async Task<(List<string> Payloads, FeedCursor Next)> DrainAsync(NpgsqlConnection conn, FeedCursor cursor, int limit = ChangeFeed.BatchSize)
    {
        var all = new List<string>();
        while (true)
        {
            var (rows, next) = await ChangeFeed.ReadAsync(conn, cursor, limit);
            all.AddRange(rows.Where(r => r.Topic == "feed_test").Select(r => r.Payload));
            cursor = next;
            // caught up to a snapshot and nothing new in it: done (rows may have committed meanwhile: read once more)
            if (next.Target is null && rows.Count == 0) return (all, cursor);
        }
    }

    [Fact]
    public async Task A_transaction_open_for_long_delays_only_its_own_rows_and_every_row_arrives_once_in_commit_order()
    {
        await using var reader = await db.DataSource.OpenConnectionAsync();
        await using var writer = await db.DataSource.OpenConnectionAsync();
        // the long writer: has a transaction id (it wrote something here) and a feed row of its own, and stays open
        await using var longConn = await db.DataSource.OpenConnectionAsync();
        await using var longTx = await longConn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("CREATE TEMP TABLE t_long (x int); INSERT INTO t_long VALUES (1)", longConn, longTx)) await cmd.ExecuteNonQueryAsync();
        await ChangeFeed.PublishAsync(longConn, longTx, "feed_test", "long");

        var cursor = await ChangeFeed.HeadAsync(reader);
        await PublishAsync(writer, "a1", "a2");
        await PublishAsync(writer, "b1");
        // before: the reader's bound was the oldest running transaction here, so a1..b1 waited for "long" to commit
        var (first, c1) = await DrainAsync(reader, cursor);
        Assert.Equal(["a1", "a2", "b1"], first);

        await PublishAsync(writer, "c1");
        var (second, c2) = await DrainAsync(reader, c1);
        Assert.Equal(["c1"], second);
        await longTx.CommitAsync(); // its row arrives when it commits, once
        await PublishAsync(writer, "d1");
        var (third, c3) = await DrainAsync(reader, c2);
        Assert.Equal(["long", "d1"], third);
        var (fourth, _) = await DrainAsync(reader, c3);
        Assert.Empty(fourth); // nothing twice
    }

    [Fact]
    public async Task Reading_in_small_batches_delivers_every_row_once_with_each_transactions_rows_together_and_in_order()
    {
        await using var reader = await db.DataSource.OpenConnectionAsync();
        await using var writer = await db.DataSource.OpenConnectionAsync();
        var cursor = await ChangeFeed.HeadAsync(reader);
        await using var openConn = await db.DataSource.OpenConnectionAsync();
        await using var openTx = await openConn.BeginTransactionAsync();
        await ChangeFeed.PublishAsync(openConn, openTx, "feed_test", "x1");
        for (var t = 0; t < 5; t++) await PublishAsync(writer, $"t{t}-0", $"t{t}-1", $"t{t}-2");
        // batches of two: the reader keeps catching up to one snapshot, while more commits arrive in between
        var (rows, next) = await ChangeFeed.ReadAsync(reader, cursor, 2);
        var got = rows.Select(r => r.Payload).ToList();
        await PublishAsync(writer, "late-0", "late-1");
        await openTx.CommitAsync();
        var (rest, _) = await DrainAsync(reader, next, 2);
        got.AddRange(rest);
        var expected = Enumerable.Range(0, 5).SelectMany(t => new[] { $"t{t}-0", $"t{t}-1", $"t{t}-2" }).Concat(["late-0", "late-1", "x1"]).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));
        Assert.Equal(got.Count, got.Distinct().Count());
        // the fifteen rows committed before the first read come first, transaction by transaction, each in its own order
        Assert.Equal(expected.Take(15), got.Take(15));
    }

    [Fact]
    public async Task The_apps_listener_delivers_a_change_within_a_second_while_another_transaction_stays_open()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        _ = app.CreateClient();
        var listener = app.Services.GetRequiredService<Geo.Jobs.Live.DbNotificationListener>();
        await listener.Listening.WaitAsync(TimeSpan.FromSeconds(20));
        await using var longConn = await db.DataSource.OpenConnectionAsync();
        await using var longTx = await longConn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("SELECT pg_current_xact_id()", longConn, longTx)) await cmd.ExecuteScalarAsync();

        await using var writer = await db.DataSource.OpenConnectionAsync();
        ulong xid;
        await using (var tx = await writer.BeginTransactionAsync())
        {
            await ChangeFeed.PublishAsync(writer, tx, "feed_test", "while-open");
            await using var cmd = new NpgsqlCommand("SELECT pg_current_xact_id()::text", writer, tx);
            xid = ulong.Parse((string)(await cmd.ExecuteScalarAsync())!, System.Globalization.CultureInfo.InvariantCulture);
            await tx.CommitAsync();
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (listener.Position.Xid < xid)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"the listener did not pass xid {xid} within 3 s (at {listener.Position}) while a transaction was open");
            await Task.Delay(50);
        }
        await longTx.RollbackAsync();
    }
}
