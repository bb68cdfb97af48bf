using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>Bound from <c>Geo:AlarmLinkage</c>: where smoke and gas alarms are delivered (the fire system's intake).</summary>
public sealed class AlarmLinkageOptions
{
    public const string Section = "Geo:AlarmLinkage";

    /// <summary>The receiver's URL (http/https); unset: linkage off, alarms wait in the outbox.</summary>
    public string? Url { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a claimed delivery is reserved for the instance that claimed it: if that instance dies
    /// mid-delivery, another (or the same after a restart) retries once the lease runs out.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<string> Problems()
    {
        if (Url is { Length: > 0 } u && (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            yield return $"Url must be an absolute http(s) URL, got '{u}'";
        foreach (var (name, v) in new[] { ("Timeout", Timeout), ("PollInterval", PollInterval), ("Lease", Lease), ("MaxBackoff", MaxBackoff) })
            if (v <= TimeSpan.Zero || v > TimeSpan.FromHours(1)) yield return $"{name} must be between 0 and 1 hour, got {v}";
        if (Lease <= Timeout) yield return "Lease must be longer than Timeout";
    }
}

public sealed record AlarmDelivery(long Id, long IncidentId, string IdempotencyKey, string Body, int Attempts);

public sealed record DeliveryRound(int Claimed, int Delivered, int Failed);

/// <summary>Outbound alarm linkage (seed 3.3.1): the alarm's transaction wrote an <c>alarm_deliveries</c> row
/// (<see cref="SensorIntake"/>); this drains the outbox. At-least-once: a row is claimed with a lease
/// (<c>FOR UPDATE SKIP LOCKED</c>, so instances never send the same row at once), POSTed with an
/// <c>Idempotency-Key</c> header the receiver collapses duplicates by, and marked delivered only after a 2xx. A
/// failure or timeout backs off exponentially; a crash between POST and mark leaves the lease to run out, and
/// the retry carries the same key.</summary>
public static class AlarmLinkage
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static async Task<List<AlarmDelivery>> ClaimAsync(NpgsqlDataSource ds, DateTimeOffset now, TimeSpan lease, int limit, CancellationToken ct = default)
    {
        await using var cmd = ds.CreateCommand("""
            UPDATE alarm_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $1 + $2
            WHERE d.id IN (SELECT id FROM alarm_deliveries WHERE delivered_at IS NULL AND next_attempt_at <= $1
                           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.incident_id, d.idempotency_key, d.body::text, d.attempts
            """);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(lease);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<AlarmDelivery>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new AlarmDelivery(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt32(4)));
        return list.OrderBy(d => d.Id).ToList();
    }

    /// <summary>One round: claim what is due, send each, record the outcome.</summary>
    public static async Task<DeliveryRound> DeliverDueAsync(NpgsqlDataSource ds, HttpClient http, AlarmLinkageOptions o, DateTimeOffset now,
        int limit = 100, CancellationToken ct = default)
    {
        var url = new Uri(o.Url ?? throw new InvalidOperationException("Geo:AlarmLinkage:Url is not set"));
        var due = await ClaimAsync(ds, now, o.Lease, limit, ct);
        int delivered = 0, failed = 0;
        foreach (var d in due)
        {
            string? error;
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(d.Body, Encoding.UTF8, "application/json") };
                req.Headers.Add(IdempotencyHeader, d.IdempotencyKey);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(o.Timeout);
                using var res = await http.SendAsync(req, timeout.Token);
                error = res.IsSuccessStatusCode ? null : $"HTTP {(int)res.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error = ex is TaskCanceledException ? $"timeout after {o.Timeout}" : ex.Message;
            }
            if (error is null) delivered++; else failed++;
            await RecordAsync(ds, d, error, now, o.MaxBackoff, ct);
        }
        return new DeliveryRound(due.Count, delivered, failed);
    }

    private static async Task RecordAsync(NpgsqlDataSource ds, AlarmDelivery d, string? error, DateTimeOffset now, TimeSpan maxBackoff, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand(error is null
            ? "UPDATE alarm_deliveries SET delivered_at = $2, last_error = NULL WHERE id = $1"
            : "UPDATE alarm_deliveries SET next_attempt_at = $2 + $3, last_error = $4 WHERE id = $1 AND delivered_at IS NULL");
        cmd.Parameters.AddWithValue(d.Id);
        cmd.Parameters.AddWithValue(now);
        if (error is not null)
        {
            cmd.Parameters.AddWithValue(Backoff(d.Attempts, maxBackoff));
            cmd.Parameters.AddWithValue(error.Length > 500 ? error[..500] : error);
        }
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>1 s, 2 s, 4 s … up to <paramref name="max"/>: a receiver down for an hour gets a try every few minutes, not a flood.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan max) =>
        TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, Math.Pow(2, Math.Clamp(attempts - 1, 0, 20))));

    /// <summary>Undelivered alarms and the oldest one's age, for health and the board.</summary>
    public static async Task<(long Pending, DateTimeOffset? Oldest)> BacklogAsync(NpgsqlDataSource ds, CancellationToken ct = default)
    {
        await using var cmd = ds.CreateCommand("SELECT count(*), min(created_at) FROM alarm_deliveries WHERE delivered_at IS NULL");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1));
    }
}
