using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Data;

/// <summary>Positional parameters ($1, $2, ...) collected while SQL text is assembled from whitelisted
/// fragments: user input only ever travels as a parameter value.</summary>
public sealed class SqlParams
{
    private readonly List<NpgsqlParameter> _list = [];

    public string Add(object value, NpgsqlDbType? type = null)
    {
        var p = new NpgsqlParameter { Value = value };
        if (type is { } t) p.NpgsqlDbType = t;
        _list.Add(p);
        return "$" + _list.Count;
    }

    public NpgsqlCommand CreateCommand(NpgsqlConnection conn, string sql)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var p in _list) cmd.Parameters.Add(p.Clone());
        return cmd;
    }
}
