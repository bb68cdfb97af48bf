using System.Security.Claims;
using Geo.Core.Access;
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
        ["id"] = "Number (z17+; at z15–z16 the feature id of a one-asset feature)", ["kind"] = "String", ["name"] = "String (z17+)", ["status"] = "String (z17+)",
        ["synthetic"] = "Boolean (z15+; at z15–z16 true if any asset in the feature is)",
        ["count"] = "Number (z16 and below: assets of this kind in the bin or cluster)",
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
                new("streets", TileSql.StreetMinZoom, TileAddress.MaxZoom, new Dictionary<string, string> { ["id"] = "Number", ["highway"] = "String", ["name"] = "String (absent when unnamed)", ["synthetic"] = "Boolean" }),
                new("subdistricts", TileSql.SubdistrictMinZoom, TileAddress.MaxZoom, RegionFields),
                new("communities", TileSql.CommunityMinZoom, TileAddress.MaxZoom, RegionFields),
                new("grid_cells", TileSql.GridCellMinZoom, TileAddress.MaxZoom, RegionFields),
                new("labels", TileSql.SubdistrictLabelMinZoom, TileAddress.MaxZoom, new Dictionary<string, string>(RegionFields) { ["level"] = "String" }),
                new("landmarks", TileSql.LandmarkMinZoom, TileAddress.MaxZoom, new Dictionary<string, string> { ["id"] = "Number", ["kind"] = "String", ["name"] = "String", ["synthetic"] = "Boolean" }),
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

    /// <summary>The layers a caller may see, by the one sensitive-layer rule (<see cref="SensitiveLayers"/>).</summary>
    public IEnumerable<TileLayer> VisibleTo(ClaimsPrincipal? user) =>
        All.Where(l => l.Kind is not { } k || SensitiveLayers.CanSee(user, ExposeSensitive, k));

    public TileLayer? FindFor(string id, ClaimsPrincipal? user) =>
        Find(id) is { } l && (l.Kind is not { } k || SensitiveLayers.CanSee(user, ExposeSensitive, k)) ? l : null;

    /// <summary>Asset kinds never drawn in the composite layer: its tiles are cached and shared by every
    /// viewer, so they hold only what anonymous users may see; staff get cameras and sensors from their own layers.</summary>
    public IReadOnlyList<AssetKind> HiddenKinds =>
        ExposeSensitive ? [] : AssetKinds.All.Where(AssetKinds.IsSensitive).ToList();
}
