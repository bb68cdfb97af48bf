using Geo.Core.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Data;

/// <summary>Binary COPY of asset rows: the bulk path shared by the importers and the generator.
/// Writes into <c>assets</c> directly or into a staging table of the same column shape
/// (see <see cref="CreateStageSql"/>) for an upsert afterwards.</summary>
public static class AssetBulkWriter
{
    public const string Columns = "kind, name, status, source, external_id, geom, community_id, grid_cell_id, synthetic, attributes, import_digest";

    /// <summary>Whether a row is left out of the COPY (a re-import's unchanged row), given its <see cref="AssetDigest"/>.</summary>
    public delegate bool SkipRow(Asset asset, UInt128 digest);

    /// <summary>A temporary staging table (dropped at commit) with the asset columns plus the input row number.</summary>
    public static string CreateStageSql(string stage) => $"""
        CREATE TEMP TABLE {stage} (
            row_no bigint NOT NULL,
            kind text NOT NULL, name text NOT NULL, status text NOT NULL, source text NOT NULL,
            external_id text NOT NULL, geom geometry(Geometry,4326) NOT NULL,
            community_id bigint, grid_cell_id bigint, synthetic boolean NOT NULL, attributes jsonb NOT NULL,
            import_digest bytea NOT NULL
        ) ON COMMIT DROP
        """;

    /// <summary>COPYs <paramref name="rows"/> into <paramref name="table"/> on an open connection (inside the
    /// caller's transaction). With <paramref name="withRowNumbers"/> the first column is the 1-based input row
    /// (counted over every row, skipped ones included). Every row carries its <see cref="AssetDigest"/>; rows
    /// <paramref name="skip"/> accepts are not written. Returns the number of rows written.</summary>
    public static async Task<ulong> CopyAsync(NpgsqlConnection conn, string table, IEnumerable<Asset> rows, bool withRowNumbers, CancellationToken ct = default, SkipRow? skip = null)
    {
        var digest = new AssetDigest();
        var cols = withRowNumbers ? "row_no, " + Columns : Columns;
        await using var w = await conn.BeginBinaryImportAsync($"COPY {table} ({cols}) FROM STDIN (FORMAT BINARY)", ct);
        // Rows are written synchronously (the buffer flushes block this thread, which is the COPY's own):
        // an async call per column costs more than the column. Importers reuse one attributes instance
        // for identical values, so each distinct instance is serialized once.
        var json = new Dictionary<AssetAttributes, string>(ReferenceEqualityComparer.Instance);
        long n = 0;
        foreach (var a in rows)
        {
            n++;
            ct.ThrowIfCancellationRequested();
            if (!json.TryGetValue(a.Attributes, out var text))
            {
                text = AssetJson.Serialize(a.Attributes);
                if (json.Count < 100_000) json[a.Attributes] = text;
            }
            var d = digest.Compute(a, text);
            if (skip is not null && skip(a, d)) continue;
            w.StartRow();
            if (withRowNumbers) w.Write(n, NpgsqlDbType.Bigint);
            w.Write(a.Kind.Code(), NpgsqlDbType.Text);
            w.Write(a.Name, NpgsqlDbType.Text);
            w.Write(a.Status.Code(), NpgsqlDbType.Text);
            w.Write(a.Source, NpgsqlDbType.Text);
            w.Write(a.ExternalId, NpgsqlDbType.Text);
            w.Write(a.Geom, NpgsqlDbType.Geometry);
            if (a.CommunityId is { } c) w.Write(c, NpgsqlDbType.Bigint); else w.WriteNull();
            if (a.GridCellId is { } g) w.Write(g, NpgsqlDbType.Bigint); else w.WriteNull();
            w.Write(a.Synthetic, NpgsqlDbType.Boolean);
            w.Write(text, NpgsqlDbType.Jsonb);
            w.Write(AssetDigest.ToBytes(d), NpgsqlDbType.Bytea);
        }
        return await w.CompleteAsync(ct);
    }
}
