using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Tiles;

namespace Geo.Tests.Infrastructure;

/// <summary>Assets built for a test; the test inserts and asserts them itself.</summary>
internal static class AssetFixtures
{
    public static Asset Point(AssetKind kind, string name, double lon, double lat, AssetAttributes? attributes = null, bool synthetic = true) => new()
    {
        Kind = kind,
        Name = name,
        Source = "test",
        ExternalId = Guid.NewGuid().ToString("N"),
        Geom = GeoFactory.Point(lon, lat),
        Synthetic = synthetic,
        Attributes = attributes ?? DefaultAttributes(kind),
    };

    public static AssetAttributes DefaultAttributes(AssetKind kind) => kind switch
    {
        AssetKind.WifiHotspot => new WifiHotspotAttributes("Tongzhou-Free"),
        AssetKind.DisplayScreen => new DisplayScreenAttributes(55),
        AssetKind.Kiosk => new KioskAttributes(),
        AssetKind.PaymentTerminal => new PaymentTerminalAttributes("国网"),
        AssetKind.Camera => new CameraAttributes(),
        AssetKind.Sensor => new SensorAttributes(),
        AssetKind.VehicleGate => new VehicleGateAttributes(true, 120),
        AssetKind.ServiceStation => new ServiceStationAttributes("养老助餐", "08:00-18:00"),
        AssetKind.VegetableGarden => new VegetableGardenAttributes(300),
        AssetKind.Shop => new ShopAttributes(LifeElement.Eat, "餐馆"),
        AssetKind.Shelter => new ShelterAttributes(800, 5000),
        AssetKind.CivilDefence => new CivilDefenceAttributes("人防工程", 300),
        AssetKind.ResidentialBuilding => new ResidentialBuildingAttributes(60, 150, 6),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A point strictly inside tile <paramref name="t"/>, at fractions (fx, fy) of its width from the north-west corner.</summary>
    public static (double Lon, double Lat) Inside(TileAddress t, double fx, double fy)
    {
        var b = t.Bounds();
        return (b.MinX + fx * b.Width, b.MaxY - fy * b.Height);
    }
}
