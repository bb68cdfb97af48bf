using Npgsql;

namespace Geo.Core.Care;

/// <summary>What one rotation did: rows re-encrypted per table, the batches (transactions) it took, and the key ids still
/// found in the data afterwards (only the active one once a rotation completes).</summary>
public sealed record CareRotationReport(string ActiveKeyId, int RegistryRows, int DeliveryRows, int Batches, IReadOnlyDictionary<string, long> KeysInUse);

/// <summary>Re-encrypts every personal field of the care registry and of the delivery orders to the active key
/// (<see cref="CareCipher.ActiveKeyId"/>), in batches, each its own transaction (rows locked FOR UPDATE, decrypted with the
/// key they name, encrypted with the active one, audited). Resumable: an interrupted run leaves committed batches done and the
/// next run picks up the rows still on another key. Idempotent: rows already on the active key are not touched, so a second
/// run changes nothing. A row whose ciphertext names a key missing from the ring, or fails authentication, stops the run
/// with that error (its batch rolls back): nothing is ever rewritten from a value that could not be read.
/// Rewriting a row changes its version (xmin): an edit loaded before and sent after it gets the usual 409.</summary>
public static class CareKeyRotation
{
    public const int DefaultBatch = 500, MaxBatch = 10_000;
    public const string Actor = "./geo care rotate-key";

    private sealed record Table(string Name, string[] Columns, string[] Fields, string? AuditAction);

    private static readonly Table[] Tables =
    [
        new("care_registry", ["name_enc", "contact_enc", "address_enc", "needs_enc"], ["name", "contact", "address", "needs"], "rotate-key"),
        new("deliveries", ["contact_enc", "address_enc"], ["delivery.contact", "delivery.address"], null),
    ];

    public static async Task<CareRotationReport> RotateAsync(NpgsqlDataSource ds, CareCipher cipher, int batch, Action<string>? progress, CancellationToken ct)
    {
        if (batch is < 1 or > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), $"--batch takes 1..{MaxBatch}");
        var active = cipher.ActiveKeyId;
        var header = cipher.ActiveHeader;
        var counts = new int[Tables.Length];
        var batches = 0;
        for (var t = 0; t < Tables.Length; t++)
        {
            var table = Tables[t];
            // "on the active key": every non-null column starts with the active header (fixed SQL, never user text)
            var onActive = string.Join(" AND ", table.Columns.Select(c => $"({c} IS NULL OR substring({c} from 1 for {header.Length}) = $1)"));
            long after = 0;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                await using var conn = await ds.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                var rows = new List<(long Id, byte[]?[] Values)>();
                await using (var cmd = new NpgsqlCommand($"""
                    SELECT id, {string.Join(", ", table.Columns)} FROM {table.Name}
                    WHERE id > $2 AND NOT ({onActive}) ORDER BY id LIMIT $3 FOR UPDATE
                    """, conn, tx))
                {
                    cmd.Parameters.AddWithValue(header);
                    cmd.Parameters.AddWithValue(after);
                    cmd.Parameters.AddWithValue(batch);
                    await using var r = await cmd.ExecuteReaderAsync(ct);
                    while (await r.ReadAsync(ct))
                        rows.Add((r.GetInt64(0), [.. table.Columns.Select((_, i) => r.IsDBNull(i + 1) ? null : r.GetFieldValue<byte[]>(i + 1))]));
                }
                if (rows.Count == 0) break;
                var fromKeys = new SortedSet<string>(StringComparer.Ordinal);
                await using (var update = new NpgsqlCommand(
                    $"UPDATE {table.Name} SET {string.Join(", ", table.Columns.Select((c, i) => $"{c} = ${i + 2}"))} WHERE id = $1", conn, tx))
                {
                    foreach (var (id, values) in rows)
                    {
                        update.Parameters.Clear();
                        update.Parameters.AddWithValue(id);
                        for (var i = 0; i < values.Length; i++)
                        {
                            if (values[i] is not { } v)
                            {
                                update.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, DBNull.Value);
                                continue;
                            }
                            fromKeys.Add(CareCipher.KeyIdOf(table.Fields[i], v));
                            // a field already on the active key keeps its bytes; the others are read with their own key
                            update.Parameters.AddWithValue(v.AsSpan().StartsWith(header) ? v : cipher.Encrypt(table.Fields[i], cipher.Decrypt(table.Fields[i], v)));
                        }
                        await update.ExecuteNonQueryAsync(ct);
                    }
                }
                if (table.AuditAction is { } action)
                {
                    await using var audit = new NpgsqlCommand("""
                        INSERT INTO care_registry_audit (actor, actor_role, action, record_ids, detail) VALUES ($1, 'system', $2, $3, $4)
                        """, conn, tx);
                    audit.Parameters.AddWithValue(Actor);
                    audit.Parameters.AddWithValue(action);
                    audit.Parameters.AddWithValue(rows.Select(x => x.Id).ToArray());
                    audit.Parameters.AddWithValue($"re-encrypted from {string.Join(", ", fromKeys)} to {active}");
                    await audit.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                after = rows[^1].Id;
                counts[t] += rows.Count;
                batches++;
                progress?.Invoke($"{table.Name}: {counts[t]} rows re-encrypted to key '{active}' (batch {batches})");
            }
        }
        return new CareRotationReport(active, counts[0], counts[1], batches, await KeysInUseAsync(ds, ct));
    }

    /// <summary>How many ciphertexts each key id protects, over both tables (from the stored headers, no decryption).</summary>
    public static async Task<Dictionary<string, long>> KeysInUseAsync(NpgsqlDataSource ds, CancellationToken ct)
    {
        var columns = Tables.SelectMany(t => t.Columns.Select(c => $"SELECT {c} AS v FROM {t.Name}"));
        await using var cmd = ds.CreateCommand($"""
            SELECT CASE WHEN get_byte(v, 0) = 1 THEN '{CareRegistryOptions.DefaultKeyId}'
                        WHEN get_byte(v, 0) = 2 THEN convert_from(substring(v from 3 for get_byte(v, 1)), 'SQL_ASCII')
                        ELSE '?' END AS key_id, count(*)
            FROM ({string.Join(" UNION ALL ", columns)}) x WHERE v IS NOT NULL AND length(v) > 1 GROUP BY 1 ORDER BY 1
            """);
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) d[r.GetString(0)] = r.GetInt64(1);
        return d;
    }
}
