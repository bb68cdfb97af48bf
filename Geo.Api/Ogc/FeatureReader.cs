using Geo.Api.Http;
using Geo.Core.Data;
using Npgsql;

namespace Geo.Api.Ogc;

/// <summary>An executed query whose first row has been read. Opening happens in the handler, so errors
/// PostgreSQL raises on bad input (caught by <see cref="BadInputFilter"/>) surface before any byte of the
/// response is written; the result then streams the rest and disposes this.</summary>
public sealed class FeatureReader : IAsyncDisposable
{
    private FeatureReader(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, bool hasRow)
    {
        Connection = connection;
        Command = command;
        Reader = reader;
        HasRow = hasRow;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlCommand Command { get; private set; }
    public NpgsqlDataReader Reader { get; private set; }

    /// <summary>True while <see cref="Reader"/> is positioned on a row.</summary>
    public bool HasRow { get; private set; }

    public static async Task<FeatureReader> OpenAsync(NpgsqlDataSource ds, string sql, SqlParams parameters, CancellationToken ct)
    {
        var conn = await ds.OpenConnectionAsync(ct);
        NpgsqlCommand? cmd = null;
        try
        {
            cmd = parameters.CreateCommand(conn, sql);
            var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            var has = await reader.ReadAsync(ct);
            return new FeatureReader(conn, cmd, reader, has);
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
