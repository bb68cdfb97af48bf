using System.Text.Json.Serialization;

namespace Geo.Core.Domain;

/// <summary>Every smart-community asset kind. The string form (snake_case) is what the database,
/// the API and the importers use; the enum is what C# code switches on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AssetKind>))]
public enum AssetKind
{
    WifiHotspot,
    DisplayScreen,
    Kiosk,
    PaymentTerminal,
    Camera,
    Sensor,
    VehicleGate,
    ServiceStation,
    VegetableGarden,
    Shop,
    Shelter,
    CivilDefence,
    ResidentialBuilding,
}

[JsonConverter(typeof(JsonStringEnumConverter<AssetStatus>))]
public enum AssetStatus
{
    Online,
    Offline,
    Maintenance,
    Planned,
}

public static class AssetKinds
{
    private static readonly Dictionary<AssetKind, string> Codes = new()
    {
        [AssetKind.WifiHotspot] = "wifi_hotspot",
        [AssetKind.DisplayScreen] = "display_screen",
        [AssetKind.Kiosk] = "kiosk",
        [AssetKind.PaymentTerminal] = "payment_terminal",
        [AssetKind.Camera] = "camera",
        [AssetKind.Sensor] = "sensor",
        [AssetKind.VehicleGate] = "vehicle_gate",
        [AssetKind.ServiceStation] = "service_station",
        [AssetKind.VegetableGarden] = "vegetable_garden",
        [AssetKind.Shop] = "shop",
        [AssetKind.Shelter] = "shelter",
        [AssetKind.CivilDefence] = "civil_defence",
        [AssetKind.ResidentialBuilding] = "residential_building",
    };

    private static readonly Dictionary<string, AssetKind> ByCode =
        Codes.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<AssetKind, (string Zh, string En)> Names = new()
    {
        [AssetKind.WifiHotspot] = ("无线热点", "Wi-Fi hotspot"),
        [AssetKind.DisplayScreen] = ("电子显示屏", "Display screen"),
        [AssetKind.Kiosk] = ("一键通终端", "One-key kiosk"),
        [AssetKind.PaymentTerminal] = ("缴费终端", "Payment terminal"),
        [AssetKind.Camera] = ("摄像头", "Camera"),
        [AssetKind.Sensor] = ("传感器", "Sensor"),
        [AssetKind.VehicleGate] = ("智能车辆管理", "Vehicle gate / smart parking"),
        [AssetKind.ServiceStation] = ("社区服务站", "Community service station"),
        [AssetKind.VegetableGarden] = ("社区小菜园", "Community vegetable garden"),
        [AssetKind.Shop] = ("商铺与服务", "Shop or service"),
        [AssetKind.Shelter] = ("应急避难场所", "Emergency shelter"),
        [AssetKind.CivilDefence] = ("人防设施", "Civil-defence facility"),
        [AssetKind.ResidentialBuilding] = ("居民楼", "Residential building"),
    };

    /// <summary>Cameras and sensors reveal where surveillance and alarms are: staff only.</summary>
    public static bool IsSensitive(AssetKind kind) => kind is AssetKind.Camera or AssetKind.Sensor;

    public static IReadOnlyList<AssetKind> All { get; } = Enum.GetValues<AssetKind>();

    public static string Code(this AssetKind kind) => Codes[kind];

    public static string NameZh(this AssetKind kind) => Names[kind].Zh;

    public static string NameEn(this AssetKind kind) => Names[kind].En;

    public static bool TryParse(string? code, out AssetKind kind)
    {
        kind = default;
        return code is not null && ByCode.TryGetValue(code.Trim(), out kind);
    }

    public static AssetKind Parse(string code) =>
        TryParse(code, out var kind) ? kind : throw new ArgumentException($"unknown asset kind '{code}'; expected one of {string.Join(", ", Codes.Values)}", nameof(code));

    public static string Code(this AssetStatus status) => status switch
    {
        AssetStatus.Online => "online",
        AssetStatus.Offline => "offline",
        AssetStatus.Maintenance => "maintenance",
        AssetStatus.Planned => "planned",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseStatus(string? code, out AssetStatus status)
    {
        status = AssetStatus.Online;
        switch (code?.Trim().ToLowerInvariant())
        {
            case "online": status = AssetStatus.Online; return true;
            case "offline": status = AssetStatus.Offline; return true;
            case "maintenance": status = AssetStatus.Maintenance; return true;
            case "planned": status = AssetStatus.Planned; return true;
            default: return false;
        }
    }
}
