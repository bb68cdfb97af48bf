using System.Text.Json.Serialization;
using Geo.Core.Data.Sql;
using Geo.Core.Spatial;
using Geo.Core.Tiles;

namespace Geo.Api.Tiles;

/// <summary>TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0).</summary>
public sealed record TileJson(
    [property: JsonPropertyName("tilejson")] string Version,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("tiles")] string[] Tiles,
    [property: JsonPropertyName("minzoom")] int MinZoom,
    [property: JsonPropertyName("maxzoom")] int MaxZoom,
    [property: JsonPropertyName("bounds")] double[] Bounds,
    [property: JsonPropertyName("center")] double[] Center,
    [property: JsonPropertyName("attribution")] string Attribution,
    [property: JsonPropertyName("vector_layers")] VectorLayerJson[] VectorLayers)
{
    public static TileJson For(TileLayer layer, string baseUrl)
    {
        var e = GeoFactory.DistrictExtent;
        var description = layer.Source == TileSource.Assets
            ? $"{layer.TitleZh} / {layer.TitleEn}. 第 {AssetBins.MaxAggregatedZoom - 1} 级及以下每个瓦片 16×16 格、第 {AssetBins.MaxAggregatedZoom} 级（街道级）8×8 格聚合："
              + $"每个要素是一个格内同一类型的全部资产，位于其平均位置，count 为数量（不丢弃任何资产）；第 {AssetBins.MaxAggregatedZoom + 1} 级起每个资产一个要素（含 id、status，名称自第 {TileSql.AssetNameMinZoom} 级）。 / "
              + $"Zoom {AssetBins.MaxAggregatedZoom - 1} and below: 16 × 16 bins per tile; zoom {AssetBins.MaxAggregatedZoom} (street zoom): 8 × 8 bins per tile. Each feature is every asset of one kind in one bin, "
              + $"at their mean position, with their number in 'count' (nothing is dropped). From zoom {AssetBins.MaxAggregatedZoom + 1}: one feature per asset (id, status; name from zoom {TileSql.AssetNameMinZoom})."
            : $"{layer.TitleZh} / {layer.TitleEn}";
        return new("3.0.0", layer.Id, description,
            [$"{baseUrl}/tiles/{layer.Id}/{{z}}/{{x}}/{{y}}.pbf"], layer.MinZoom, layer.MaxZoom,
            [e.MinX, e.MinY, e.MaxX, e.MaxY], [116.6564, 39.9097, 12],
            "Geo, Tongzhou District. Features with synthetic=true are generated demo data, not real assets.",
            layer.VectorLayers.Select(v => new VectorLayerJson(v.Id, v.MinZoom, v.MaxZoom, v.Fields)).ToArray());
    }
}

public sealed record VectorLayerJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("minzoom")] int MinZoom,
    [property: JsonPropertyName("maxzoom")] int MaxZoom,
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, string> Fields);
