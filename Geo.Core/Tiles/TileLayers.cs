using Geo.Core.Domain;

namespace Geo.Core.Tiles;

public enum TileSource { Assets, Regions }

/// <summary>A layer served at /tiles/{Id}/{z}/{x}/{y}.pbf. <see cref="VectorLayers"/> are the MVT layers
/// inside each tile (the basemap is a composite of several), with their attribute fields for TileJSON.</summary>
public sealed record TileLayer(string Id, string TitleZh, string TitleEn, TileSource Source, AssetKind? Kind, int MinZoom, int MaxZoom,
    IReadOnlyList<VectorLayer> VectorLayers);

public sealed record VectorLayer(string Id, int MinZoom, int MaxZoom, IReadOnlyDictionary<string, string> Fields);

/// <summary>The catalogue of tile layers. Sensitive kinds (cameras, sensors) are absent unless exposed:
/// absent means 404 and left out of the composite "assets" layer, not an empty tile.</summary>
public sealed class TileLayers
{
    public const string Basemap = "basemap";
    public const string AllAssets = "assets";

    private static readonly Dictionary<string, string> AssetFields = new()
    {
        ["id"] = "Number", ["kind"] = "String", ["name"] = "String (z15+)", ["status"] = "String", ["synthetic"] = "Boolean",
    };

    private static readonly Dictionary<string, string> RegionFields = new()
    {
        ["id"] = "Number", ["code"] = "String", ["name"] = "String", ["synthetic"] = "Boolean",
    };

    private readonly Dictionary<string, TileLayer> _byId;

    public TileLayers(bool exposeSensitive)
    {
        ExposeSensitive = exposeSensitive;
        var layers = new List<TileLayer>
        {
            new(Basemap, "离线底图", "Offline basemap", TileSource.Regions, null, 0, TileAddress.MaxZoom,
            [
                new("district", 0, TileAddress.MaxZoom, RegionFields),
                new("subdistricts", TileSql.SubdistrictMinZoom, TileAddress.MaxZoom, RegionFields),
                new("communities", TileSql.CommunityMinZoom, TileAddress.MaxZoom, RegionFields),
                new("grid_cells", TileSql.GridCellMinZoom, TileAddress.MaxZoom, RegionFields),
                new("labels", TileSql.SubdistrictLabelMinZoom, TileAddress.MaxZoom, new Dictionary<string, string>(RegionFields) { ["level"] = "String" }),
            ]),
            new(AllAssets, "全部设施", "All assets", TileSource.Assets, null, 0, TileAddress.MaxZoom,
                [new(AllAssets, 0, TileAddress.MaxZoom, AssetFields)]),
        };
        // sensitive kinds have layers too; who may fetch them is decided per request (staff only, unless exposed)
        foreach (var kind in AssetKinds.All)
        {
            layers.Add(new(kind.Code(), kind.NameZh(), kind.NameEn(), TileSource.Assets, kind, 0, TileAddress.MaxZoom,
                [new(kind.Code(), 0, TileAddress.MaxZoom, AssetFields)]));
        }
        All = layers;
        _byId = layers.ToDictionary(l => l.Id, StringComparer.Ordinal);
    }

    public bool ExposeSensitive { get; }

    public IReadOnlyList<TileLayer> All { get; }

    public TileLayer? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The layers a caller may see: everything for <paramref name="canSeeSensitive"/>, else all but
    /// the camera and sensor layers (unless the deployment exposes them).</summary>
    public IEnumerable<TileLayer> VisibleTo(bool canSeeSensitive) =>
        All.Where(l => canSeeSensitive || ExposeSensitive || l.Kind is not { } k || !AssetKinds.IsSensitive(k));

    public TileLayer? FindFor(string id, bool canSeeSensitive) =>
        Find(id) is { } l && (canSeeSensitive || ExposeSensitive || l.Kind is not { } k || !AssetKinds.IsSensitive(k)) ? l : null;

    /// <summary>Asset kinds never drawn in the composite layer.</summary>
    public IReadOnlyList<AssetKind> HiddenKinds =>
        ExposeSensitive ? [] : AssetKinds.All.Where(AssetKinds.IsSensitive).ToList();
}
