using Geo.Core.Domain;
using Geo.Core.Places;

namespace Geo.Ingest.Generation;

/// <summary>What each asset kind looks like and how many a community has at scale 1. Counts follow the
/// 2012 plan: screens and kiosks in every urban community, payment terminals sized to the population,
/// cameras and sensors where buildings are, vegetable gardens mostly in villages.</summary>
internal static class AssetCatalog
{
    /// <summary>Mean count per community at scale 1 for (urban, town, village) communities.
    /// Residential buildings and payment terminals are sized by population elsewhere.</summary>
    public static (double Urban, double Town, double Village) PerCommunity(AssetKind kind) => kind switch
    {
        AssetKind.WifiHotspot => (28, 12, 3),
        AssetKind.DisplayScreen => (2.5, 1.5, 0.6),
        AssetKind.Kiosk => (2, 1, 0.4),
        AssetKind.Camera => (90, 35, 8),
        AssetKind.VehicleGate => (4, 2, 0.3),
        AssetKind.ServiceStation => (1.2, 1, 0.9),
        AssetKind.VegetableGarden => (0.3, 0.6, 1.2),
        AssetKind.Shop => (110, 45, 10),
        AssetKind.CivilDefence => (1.5, 0.8, 0.2),
        AssetKind.Shelter => (0.35, 0.3, 0.25),
        _ => (0, 0, 0),
    };

    /// <summary>Sensors per residential building (smoke, gas and meters sit in buildings).</summary>
    public static double SensorsPerBuilding(Density d) => d switch { Density.Urban => 1.2, Density.Town => 0.8, _ => 0.2 };

    public const double ResidentsPerPaymentTerminal = 2500;

    /// <summary>Mean residents per residential building: high-rise estates in the core, village housing
    /// clusters (several courtyards as one building) outside it.</summary>
    public static double ResidentsPerBuilding(Density d) => d switch { Density.Urban => 300, Density.Town => 220, _ => 45 };

    /// <summary>A fixed clock for heartbeats: the generator never reads the time, so output is reproducible.</summary>
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 1, 8, 0, 0, TimeSpan.FromHours(8));

    public static string Label(AssetKind kind) => kind switch
    {
        AssetKind.WifiHotspot => "无线热点",
        AssetKind.DisplayScreen => "电子显示屏",
        AssetKind.Kiosk => "一键通终端",
        AssetKind.PaymentTerminal => "缴费终端",
        AssetKind.Camera => "摄像头",
        AssetKind.Sensor => "传感器",
        AssetKind.VehicleGate => "车辆道闸",
        AssetKind.ServiceStation => "社区服务站",
        AssetKind.VegetableGarden => "社区小菜园",
        AssetKind.Shelter => "应急避难场所",
        AssetKind.CivilDefence => "人防设施",
        _ => kind.NameZh(),
    };

    /// <summary>A synthetic shop type; its Chinese label is <see cref="PlaceCategories.ShopTypeNames"/>'s, the one list of labels.</summary>
    public sealed record ShopType(LifeElement Category, string Code, string Hours, double Weight)
    {
        public string Zh => PlaceCategories.ShopTypeNames[Code].Zh;
    }

    /// <summary>The 15-minute service circle's seven life elements (吃 住 行 游 购 娱 健) with finer types.</summary>
    public static readonly IReadOnlyList<ShopType> ShopTypes =
    [
        new(LifeElement.Eat, "restaurant", "10:00-22:00", 14),
        new(LifeElement.Eat, "breakfast", "06:00-10:30", 6),
        new(LifeElement.Eat, "snack_bar", "09:00-21:00", 5),
        new(LifeElement.Eat, "cafe", "08:00-22:00", 3),
        new(LifeElement.Live, "hotel", "00:00-24:00", 2),
        new(LifeElement.Live, "housekeeping", "08:00-18:00", 3),
        new(LifeElement.Live, "repair", "08:30-19:00", 3),
        new(LifeElement.Live, "kindergarten", "07:30-17:30", 2),
        new(LifeElement.Live, "school", "07:30-17:30", 1.5),
        new(LifeElement.Travel, "bus_stop", "05:30-23:00", 7),
        new(LifeElement.Travel, "subway_station", "05:30-23:30", 0.4),
        new(LifeElement.Travel, "parking", "00:00-24:00", 3),
        new(LifeElement.Travel, "bike_share", "00:00-24:00", 3),
        new(LifeElement.Travel, "gas_station", "00:00-24:00", 0.5),
        new(LifeElement.Leisure, "park", "06:00-22:00", 2),
        new(LifeElement.Leisure, "square", "00:00-24:00", 1.5),
        new(LifeElement.Leisure, "library", "09:00-20:00", 0.8),
        new(LifeElement.Leisure, "scenic_spot", "08:30-17:30", 0.3),
        new(LifeElement.Shop, "supermarket", "07:00-22:00", 5),
        new(LifeElement.Shop, "convenience_store", "00:00-24:00", 8),
        new(LifeElement.Shop, "market", "06:00-19:00", 2),
        new(LifeElement.Shop, "bookstore", "09:00-21:00", 1),
        new(LifeElement.Shop, "clothing", "09:30-21:30", 3),
        new(LifeElement.Entertainment, "cinema", "10:00-24:00", 0.4),
        new(LifeElement.Entertainment, "ktv", "12:00-02:00", 0.8),
        new(LifeElement.Entertainment, "chess_room", "09:00-22:00", 2),
        new(LifeElement.Entertainment, "culture_centre", "08:30-21:00", 1),
        new(LifeElement.Health, "clinic", "08:00-17:00", 2),
        new(LifeElement.Health, "pharmacy", "08:00-22:00", 4),
        new(LifeElement.Health, "hospital", "00:00-24:00", 0.3),
        new(LifeElement.Health, "fitness", "06:00-22:00", 2),
        new(LifeElement.Health, "elderly_care", "08:00-18:00", 1.5),
    ];

    public static readonly IReadOnlyList<(ShopType, double)> WeightedShopTypes = ShopTypes.Select(t => (t, t.Weight)).ToList();

    private static readonly IReadOnlyList<(CameraType, double)> CameraTypes =
        [(CameraType.Surveillance, 60), (CameraType.VideoIntercom, 25), (CameraType.AccessControl, 15)];

    private static readonly IReadOnlyList<(SensorType, double)> SensorTypes =
        [(SensorType.Smoke, 30), (SensorType.Gas, 20), (SensorType.ToxicGas, 5), (SensorType.WaterMeter, 15), (SensorType.ElectricityMeter, 15), (SensorType.GasMeter, 15)];

    private static readonly string[] Ssids = ["i-Tongzhou", "Tongzhou-Free", "BJ-WLAN", "CMCC-Web"];
    private static readonly double[] Bandwidths = [50, 100, 200, 300, 500, 1000];
    private static readonly double[] ScreenSizes = [43, 55, 65, 75, 86, 98, 120];
    private static readonly double[] Fovs = [60, 75, 90, 110, 120];
    private static readonly string[] Operators = ["中国银行", "工商银行", "北京农商银行", "国家电网", "北京燃气"];
    private static readonly string[] PaymentTypes = ["水费,电费,燃气费", "水费,电费,燃气费,有线电视费", "电费", "燃气费,供暖费"];
    private static readonly string[] StationServices = ["养老助残,便民服务,家政", "社区卫生,养老助残", "便民服务,就业信息,社保"];
    private static readonly string[] CivilDefenceTypes = ["人防工程", "人防地下室", "人防疏散基地", "人防警报器"];

    /// <summary>Attributes of one synthetic asset (residential buildings are made by the synthesizer).</summary>
    public static AssetAttributes Attributes(AssetKind kind, AssetStatus status, Prng rng) => kind switch
    {
        AssetKind.WifiHotspot => new WifiHotspotAttributes(rng.Pick(Ssids), 5 * rng.RangeInt(6, 24), rng.Pick(Bandwidths)),
        AssetKind.DisplayScreen => new DisplayScreenAttributes(rng.Pick(ScreenSizes), rng.Chance(0.9)),
        AssetKind.Kiosk => new KioskAttributes(rng.Chance(0.92), "一键呼叫,养老助残,医疗预约,生活缴费"),
        AssetKind.PaymentTerminal => new PaymentTerminalAttributes(rng.Pick(Operators), rng.Pick(PaymentTypes)),
        AssetKind.Camera => new CameraAttributes(rng.Weighted(CameraTypes), rng.Next(360), rng.Pick(Fovs), 5 * rng.RangeInt(3, 16)),
        AssetKind.Sensor => Sensor(status, rng),
        AssetKind.VehicleGate => new VehicleGateAttributes(rng.Chance(0.6), 10 * rng.RangeInt(2, 40)),
        AssetKind.ServiceStation => new ServiceStationAttributes(rng.Pick(StationServices), rng.Chance(0.7) ? "08:30-17:30" : "08:00-20:00"),
        AssetKind.VegetableGarden => new VegetableGardenAttributes(50 * rng.RangeInt(4, 60), rng.Chance(0.6)),
        AssetKind.Shop => Shop(rng),
        AssetKind.Shelter => Shelter(rng),
        AssetKind.CivilDefence => new CivilDefenceAttributes(rng.Pick(CivilDefenceTypes), 100 * rng.RangeInt(2, 30)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "made by the synthesizer"),
    };

    private static SensorAttributes Sensor(AssetStatus status, Prng rng)
    {
        var type = rng.Weighted(SensorTypes);
        double? threshold = type switch { SensorType.Smoke => 0.15, SensorType.Gas => 25, SensorType.ToxicGas => 50, _ => null };
        // offline sensors stopped reporting days ago; planned ones never reported
        DateTimeOffset? heartbeat = status switch
        {
            AssetStatus.Planned => null,
            AssetStatus.Offline => AssetCatalog.GeneratedAt.AddHours(-rng.RangeInt(26, 24 * 14)),
            _ => AssetCatalog.GeneratedAt.AddSeconds(-rng.RangeInt(5, 900)),
        };
        return new SensorAttributes(type, threshold, heartbeat);
    }

    private static ShopAttributes Shop(Prng rng)
    {
        var t = rng.Weighted(WeightedShopTypes);
        return new ShopAttributes(t.Category, t.Code, t.Hours);
    }

    private static ShelterAttributes Shelter(Prng rng)
    {
        var area = 100.0 * rng.RangeInt(20, 600);
        return new ShelterAttributes((int)(area / rng.Range(1.5, 3.0)), area);
    }

    public static string ShopLabel(ShopAttributes a) => ShopTypes.First(t => t.Code == a.ShopType).Zh;
}
