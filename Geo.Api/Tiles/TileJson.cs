using System.Text.Json.Serialization;
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
        var description = $"{layer.TitleZh} / {layer.TitleEn}" + (layer.Source == TileSource.Assets ? ". " + TileSql.ThinningRule : "");
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
