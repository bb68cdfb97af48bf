using Geo.Api;
using Geo.Core.Deliveries;
using Geo.Core.Domain;
using Geo.Jobs;
using Geo.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Geo.Tests.Care;

/// <summary>The deliveries' time limits: orders nobody accepted within 30 minutes are cancelled, orders accepted or out
/// past their 2-hour limit are escalated, each exactly once with the reason in its history, across concurrent runs and
/// two clustered app instances.</summary>
public sealed class DeliveryClockJobTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private async Task<long> ProviderAsync(string tag, double lon)
    {
        var shop = await GridFixtures.AssetAsync(db, $"送菜店 {tag}", lon, 39.70, AssetFixtures.DefaultAttributes(AssetKind.Shop));
        await using var ctx = db.CreateContext();
        var user = new GeoUser { UserName = $"provider-{tag}-{Guid.NewGuid():N}"[..30], DisplayName = tag, Role = GeoRoles.Resident, PasswordHash = "unused" };
        ctx.Users.Add(user);
        await ctx.SaveChangesAsync();
        await using var cmd = db.DataSource.CreateCommand("INSERT INTO delivery_providers (asset_id, user_id) VALUES ($1, $2)");
        cmd.Parameters.AddWithValue(shop);
        cmd.Parameters.AddWithValue(user.Id);
        await cmd.ExecuteNonQueryAsync();
        return shop;
    }

    /// <summary>n orders in <paramref name="status"/>, ordered <paramref name="minutesAgo"/> minutes ago (deadlines 30 min / 2 h after).</summary>
    private async Task<List<long>> OrdersAsync(long provider, string status, int minutesAgo, int n)
    {
        await using var cmd = db.DataSource.CreateCommand("""
            INSERT INTO deliveries (provider_id, geom, items, contact_enc, status, walk_m, walk_min, orderer, orderer_role, synthetic,
                                    ordered_at, accept_by, deliver_by, updated_at, closed_at)
            SELECT $1, ST_SetSRID(ST_MakePoint(116.8, 39.7), 4326), '青菜两斤', '\x01'::bytea, $2, 100, 2, 'test', 'resident', true,
                   t, t + interval '30 minutes', t + interval '2 hours', t, CASE WHEN $2 IN ('delivered', 'cancelled') THEN t END
            FROM generate_series(1, $4), LATERAL (SELECT now() - make_interval(mins => $3)) AS x(t)
            RETURNING id
            """);
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.AddWithValue(minutesAgo);
        cmd.Parameters.AddWithValue(n);
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetInt64(0));
        return ids;
    }

    private Task<long> EventsAsync(string action, IEnumerable<long> ids) => GridFixtures.CountAsync(db.DataSource,
        "SELECT count(*) FROM delivery_events WHERE action = $1 AND actor = 'delivery_clock' AND delivery_id = ANY($2)", action, ids.ToArray());

    [Fact]
    public async Task Concurrent_runs_cancel_each_expired_order_and_escalate_each_late_one_exactly_once()
    {
        var provider = await ProviderAsync("DCA", 116.80);
        var expired = await OrdersAsync(provider, "ordered", 45, 20);       // 15 min past accept_by
        var fresh = await OrdersAsync(provider, "ordered", 10, 5);          // still within 30 min
        var lateAccepted = await OrdersAsync(provider, "accepted", 150, 6); // 30 min past deliver_by
        var lateOut = await OrdersAsync(provider, "out", 130, 6);
        var onTime = await OrdersAsync(provider, "out", 60, 4);
        var done = await OrdersAsync(provider, "delivered", 300, 3);
        var gone = await OrdersAsync(provider, "cancelled", 300, 3);
        var late = lateAccepted.Concat(lateOut).ToList();

        var now = DateTimeOffset.UtcNow;
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DeliveryClock.RunAsync(db.DataSource, now)));
        Assert.Equal(expired.Order(), runs.SelectMany(r => r.Expired).Where(expired.Contains).Order());
        Assert.Equal(late.Order(), runs.SelectMany(r => r.Escalated).Where(late.Contains).Order());
        Assert.Equal(expired.Count, await EventsAsync("expire", expired));
        Assert.Equal(late.Count, await EventsAsync("escalate", late));

        // the state: expired orders cancelled and closed; late ones keep their status, marked escalated; the rest untouched
        Assert.Equal(expired.Count, await GridFixtures.CountAsync(db.DataSource,
            "SELECT count(*) FROM deliveries WHERE id = ANY($1) AND status = 'cancelled' AND closed_at IS NOT NULL AND escalated_at IS NULL", expired.ToArray()));
        Assert.Equal(lateAccepted.Count, await GridFixtures.CountAsync(db.DataSource,
            "SELECT count(*) FROM deliveries WHERE id = ANY($1) AND status = 'accepted' AND escalated_at IS NOT NULL", lateAccepted.ToArray()));
        Assert.Equal(lateOut.Count, await GridFixtures.CountAsync(db.DataSource,
            "SELECT count(*) FROM deliveries WHERE id = ANY($1) AND status = 'out' AND escalated_at IS NOT NULL", lateOut.ToArray()));
        var untouched = fresh.Concat(onTime).Concat(done).Concat(gone).ToArray();
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM delivery_events WHERE delivery_id = ANY($1)", untouched));
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM deliveries WHERE id = ANY($1) AND escalated_at IS NOT NULL", untouched));
        Assert.Equal(fresh.Count, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM deliveries WHERE id = ANY($1) AND status = 'ordered'", fresh.ToArray()));

        // the reason is in the order's history, from the state it left
        Assert.Equal(expired.Count, await GridFixtures.CountAsync(db.DataSource, """
            SELECT count(*) FROM delivery_events WHERE delivery_id = ANY($1) AND action = 'expire' AND from_status = 'ordered'
              AND to_status = 'cancelled' AND actor_role = 'system' AND note LIKE '%not accepted within the time limit%'
            """, expired.ToArray()));
        Assert.Equal(lateOut.Count, await GridFixtures.CountAsync(db.DataSource, """
            SELECT count(*) FROM delivery_events WHERE delivery_id = ANY($1) AND action = 'escalate' AND from_status = 'out' AND to_status = 'out'
              AND note LIKE '%not delivered within the time limit%'
            """, lateOut.ToArray()));

        // a later run: nothing of these again; the fresh orders expire once their own time comes
        var later = await DeliveryClock.RunAsync(db.DataSource, now.AddMinutes(25));
        Assert.DoesNotContain(later.Expired, expired.Contains);
        Assert.DoesNotContain(later.Escalated, late.Contains);
        Assert.Equal(fresh.Order(), later.Expired.Where(fresh.Contains).Order());
        Assert.Equal(expired.Count, await EventsAsync("expire", expired));
    }

    [Fact]
    public async Task Two_clustered_app_instances_cancel_each_expired_order_once()
    {
        var provider = await ProviderAsync("DCB", 116.82);
        var expired = await OrdersAsync(provider, "ordered", 40, 12);
        var late = await OrdersAsync(provider, "out", 125, 4);
        IHost Instance() => ClusteredJobHost.Build(db.ConnectionString, new Dictionary<string, string> { ["DeliveryClockInterval"] = "00:00:00.2" });
        using var one = Instance();
        using var two = Instance();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await Task.WhenAll(one.StartAsync(timeout.Token), two.StartAsync(timeout.Token));
        try
        {
            while (await EventsAsync("expire", expired) < expired.Count || await EventsAsync("escalate", late) < late.Count)
                await Task.Delay(200, timeout.Token);
            await Task.Delay(1500, timeout.Token); // both schedulers fire the trigger several more times
            Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM qrtz_triggers WHERE trigger_name = 'delivery-clock'"));
        }
        finally
        {
            await Task.WhenAll(one.StopAsync(CancellationToken.None), two.StopAsync(CancellationToken.None));
        }
        Assert.Equal(expired.Count, await EventsAsync("expire", expired));
        Assert.Equal(late.Count, await EventsAsync("escalate", late));
        Assert.Equal(expired.Count, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM deliveries WHERE id = ANY($1) AND status = 'cancelled'", expired.ToArray()));
    }
}
