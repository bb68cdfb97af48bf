using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Tiles;

/// <summary>Renders one tile of one layer with a single parameterised query. Shared by the HTTP
/// endpoint, `./geo tiles seed` and the benchmark, so all three measure and serve the same bytes.</summary>
public sealed class TileRenderer(NpgsqlDataSource dataSource, TileLayers layers)
{
    public TileLayers Layers { get; } = layers;

    public async Task<byte[]> RenderAsync(TileLayer layer, TileAddress t, CancellationToken ct = default)
    {
        await using var cmd = CreateCommand(layer, t);
        return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
    }

    public NpgsqlCommand CreateCommand(TileLayer layer, TileAddress t)
    {
        var sql = layer.Source == TileSource.Regions ? TileSql.Basemap(t.Z) : TileSql.Assets(t.Z, layer.Kind, Layers.HiddenKinds);
        var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = t.Z, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = t.X, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = t.Y, NpgsqlDbType = NpgsqlDbType.Integer });
        if (layer.Source == TileSource.Regions)
            cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = TileSql.PixelMetres(t.Z), NpgsqlDbType = NpgsqlDbType.Double });
        else if (layer.Kind is { } kind)
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Domain.AssetKinds.Code(kind), NpgsqlDbType = NpgsqlDbType.Text });
        return cmd;
    }

    /// <summary>Which tables a layer is drawn from: what a change notification must evict.</summary>
    public static string SourceTable(TileLayer layer) => layer.Source == TileSource.Regions ? "regions" : "assets";
}
