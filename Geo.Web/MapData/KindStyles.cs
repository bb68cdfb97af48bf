using Geo.Core.Domain;

namespace Geo.Web.MapData;

/// <summary>One colour per asset kind, shared by the legend, the markers and the density tiles.</summary>
public static class KindStyles
{
    private static readonly Dictionary<AssetKind, string> Colours = new()
    {
        [AssetKind.WifiHotspot] = "#1f77b4",
        [AssetKind.DisplayScreen] = "#9467bd",
        [AssetKind.Kiosk] = "#17becf",
        [AssetKind.PaymentTerminal] = "#bcbd22",
        [AssetKind.Camera] = "#7f7f7f",
        [AssetKind.Sensor] = "#8c564b",
        [AssetKind.VehicleGate] = "#393b79",
        [AssetKind.ServiceStation] = "#d62728",
        [AssetKind.VegetableGarden] = "#2ca02c",
        [AssetKind.Shop] = "#ff7f0e",
        [AssetKind.Shelter] = "#e377c2",
        [AssetKind.CivilDefence] = "#637939",
        [AssetKind.ResidentialBuilding] = "#a55194",
    };

    public static string Colour(AssetKind kind) => Colours[kind];

    public static IReadOnlyDictionary<string, string> ByCode { get; } = Colours.ToDictionary(kv => kv.Key.Code(), kv => kv.Value);

    /// <summary>What each view shows first; the layer panel changes it.</summary>
    public static IReadOnlyList<AssetKind> DefaultKinds(MapView view) => view switch
    {
        MapView.Resident => [AssetKind.ServiceStation, AssetKind.Shop, AssetKind.VegetableGarden, AssetKind.Shelter, AssetKind.Kiosk, AssetKind.WifiHotspot, AssetKind.PaymentTerminal],
        _ => AssetKinds.All,
    };
}

public enum MapView { Resident, Planner, GridManager }
