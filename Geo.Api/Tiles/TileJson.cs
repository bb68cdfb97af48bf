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
              + $"每个要素是一个格内同一类型的全部资产，位于其平均位置，count 为数量（不丢弃任何资产）；"
              + $"第 {AssetBins.MaxAggregatedZoom + 1}–{AssetCells.MaxTileZoom} 级相距不足 8 像素的同类资产合为一个要素（count 为数量），单个资产的要素以其 id 为要素 id（详情请点击后查询 API）；"
              + $"第 {AssetCells.MaxTileZoom + 1} 级起每个资产一个要素（含 id、名称、status）。 / "
              + $"Zoom {AssetBins.MaxAggregatedZoom - 1} and below: 16 × 16 bins per tile; zoom {AssetBins.MaxAggregatedZoom} (street zoom): 8 × 8 bins per tile. Each feature is every asset of one kind in one bin, "
              + $"at their mean position, with their number in 'count' (nothing is dropped). "
              + $"Zoom {AssetBins.MaxAggregatedZoom + 1}–{AssetCells.MaxTileZoom}: assets of one kind closer than 8 pixels are one feature with their 'count'; a feature of one asset has that asset's id as its feature id (details from the API). "
              + $"From zoom {AssetCells.MaxTileZoom + 1}: one feature per asset (id, name, status)."
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
