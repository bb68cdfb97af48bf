using Geo.Core.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Data;

/// <summary>Binary COPY of asset rows: the bulk path shared by the importers and the generator.
/// Writes into <c>assets</c> directly or into a staging table of the same column shape
/// (see <see cref="CreateStageSql"/>) for an upsert afterwards.</summary>
public static class AssetBulkWriter
{
    public const string Columns = "kind, name, status, source, external_id, geom, community_id, grid_cell_id, synthetic, attributes";

    /// <summary>A temporary staging table (dropped at commit) with the asset columns plus the input row number.</summary>
    public static string CreateStageSql(string stage) => $"""
        CREATE TEMP TABLE {stage} (
            row_no bigint NOT NULL,
            kind text NOT NULL, name text NOT NULL, status text NOT NULL, source text NOT NULL,
            external_id text NOT NULL, geom geometry(Geometry,4326) NOT NULL,
            community_id bigint, grid_cell_id bigint, synthetic boolean NOT NULL, attributes jsonb NOT NULL
        ) ON COMMIT DROP
        """;

    /// <summary>COPYs <paramref name="rows"/> into <paramref name="table"/> on an open connection (inside the
    /// caller's transaction). With <paramref name="withRowNumbers"/> the first column is the 1-based input row.</summary>
    public static async Task<ulong> CopyAsync(NpgsqlConnection conn, string table, IEnumerable<Asset> rows, bool withRowNumbers, CancellationToken ct = default)
    {
        var cols = withRowNumbers ? "row_no, " + Columns : Columns;
        await using var w = await conn.BeginBinaryImportAsync($"COPY {table} ({cols}) FROM STDIN (FORMAT BINARY)", ct);
        long n = 0;
        foreach (var a in rows)
        {
            n++;
            await w.StartRowAsync(ct);
            if (withRowNumbers) await w.WriteAsync(n, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(a.Kind.Code(), NpgsqlDbType.Text, ct);
            await w.WriteAsync(a.Name, NpgsqlDbType.Text, ct);
            await w.WriteAsync(a.Status.Code(), NpgsqlDbType.Text, ct);
            await w.WriteAsync(a.Source, NpgsqlDbType.Text, ct);
            await w.WriteAsync(a.ExternalId, NpgsqlDbType.Text, ct);
            await w.WriteAsync(a.Geom, NpgsqlDbType.Geometry, ct);
            if (a.CommunityId is { } c) await w.WriteAsync(c, NpgsqlDbType.Bigint, ct); else await w.WriteNullAsync(ct);
            if (a.GridCellId is { } g) await w.WriteAsync(g, NpgsqlDbType.Bigint, ct); else await w.WriteNullAsync(ct);
            await w.WriteAsync(a.Synthetic, NpgsqlDbType.Boolean, ct);
            await w.WriteAsync(AssetJson.Serialize(a.Attributes), NpgsqlDbType.Jsonb, ct);
        }
        return await w.CompleteAsync(ct);
    }
}
