using Geo.Api.Http;
using Geo.Core.Data;
using Npgsql;

namespace Geo.Api.Ogc;

/// <summary>An executed query whose first row has been read. Opening happens in the handler, so errors
/// PostgreSQL raises on bad input (caught by <see cref="BadInputFilter"/>) surface before any byte of the
/// response is written; the result then streams the rest and disposes this.</summary>
public sealed class FeatureReader : IAsyncDisposable
{
    private FeatureReader(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, bool hasRow, long? count)
    {
        Count = count;
        Connection = connection;
        Command = command;
        Reader = reader;
        HasRow = hasRow;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlCommand Command { get; private set; }
    public NpgsqlDataReader Reader { get; private set; }

    /// <summary>The result of the count query run before the rows, when one was asked for.</summary>
    public long? Count { get; }

    /// <summary>True while <see cref="Reader"/> is positioned on a row.</summary>
    public bool HasRow { get; private set; }

    /// <param name="countSql">Optional scalar query run first on the same connection (numberMatched).</param>
    public static async Task<FeatureReader> OpenAsync(NpgsqlDataSource ds, string sql, SqlParams parameters, CancellationToken ct, string? countSql = null)
    {
        var conn = await ds.OpenConnectionAsync(ct);
        NpgsqlCommand? cmd = null;
        try
        {
            long? count = null;
            if (countSql is not null)
            {
                await using var c = parameters.CreateCommand(conn, countSql);
                count = Convert.ToInt64(await c.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }
            cmd = parameters.CreateCommand(conn, sql);
            var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            var has = await reader.ReadAsync(ct);
            return new FeatureReader(conn, cmd, reader, has, count);
        }
        catch
        {
            if (cmd is not null) await cmd.DisposeAsync();
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>Replaces the current result with another query on the same connection, positioned on its first row.</summary>
    public async Task ReopenAsync(string sql, SqlParams parameters, CancellationToken ct)
    {
        await Reader.DisposeAsync();
        await Command.DisposeAsync();
        Command = parameters.CreateCommand(Connection, sql);
        Reader = await Command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        HasRow = await Reader.ReadAsync(ct);
    }

    /// <summary>Ends the current result and runs a scalar query on the same connection.</summary>
    public async Task<long> ScalarAsync(string sql, SqlParams parameters, CancellationToken ct)
    {
        await Reader.DisposeAsync();
        HasRow = false;
        await using var cmd = parameters.CreateCommand(Connection, sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<bool> NextAsync(CancellationToken ct) => HasRow = await Reader.ReadAsync(ct);

    /// <summary>Ends the read (the connection returns to the pool on dispose).</summary>
    public async Task CloseReaderAsync()
    {
        await Reader.DisposeAsync();
        HasRow = false;
    }

    public async ValueTask DisposeAsync()
    {
        await Reader.DisposeAsync();
        await Command.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
