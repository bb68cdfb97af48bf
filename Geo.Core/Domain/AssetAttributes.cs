using System.Text.Json.Serialization;

namespace Geo.Core.Domain;

/// <summary>Kind-specific attributes, one record per asset kind, stored as jsonb with a "kind"
/// discriminator. Typed records instead of a string-keyed bag: the compiler and the importer's
/// validation know every field.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(WifiHotspotAttributes), "wifi_hotspot")]
[JsonDerivedType(typeof(DisplayScreenAttributes), "display_screen")]
[JsonDerivedType(typeof(KioskAttributes), "kiosk")]
[JsonDerivedType(typeof(PaymentTerminalAttributes), "payment_terminal")]
[JsonDerivedType(typeof(CameraAttributes), "camera")]
[JsonDerivedType(typeof(SensorAttributes), "sensor")]
[JsonDerivedType(typeof(VehicleGateAttributes), "vehicle_gate")]
[JsonDerivedType(typeof(ServiceStationAttributes), "service_station")]
[JsonDerivedType(typeof(VegetableGardenAttributes), "vegetable_garden")]
[JsonDerivedType(typeof(ShopAttributes), "shop")]
[JsonDerivedType(typeof(ShelterAttributes), "shelter")]
[JsonDerivedType(typeof(CivilDefenceAttributes), "civil_defence")]
[JsonDerivedType(typeof(ResidentialBuildingAttributes), "residential_building")]
public abstract record AssetAttributes
{
    /// <summary>The kind these attributes belong to (derived from the record type, never serialized:
    /// the JSON discriminator "kind" carries it).</summary>
    [JsonIgnore]
    public AssetKind Kind => Data.AssetJson.KindOf(GetType());

    /// <summary>Domain rules the database cannot express; null when valid, else the field at fault and why.</summary>
    public virtual (string Field, string Reason)? Validate() => null;
}

public sealed record WifiHotspotAttributes(string? Ssid, double CoverageRadiusM = 50, double? BandwidthMbps = null) : AssetAttributes
{
    public override (string Field, string Reason)? Validate() =>
        CoverageRadiusM is <= 0 or > 2000 ? ("coverage_radius_m", "must be in (0, 2000] metres") :
        BandwidthMbps is < 0 ? ("bandwidth_mbps", "must not be negative") : null;
}

public sealed record DisplayScreenAttributes(double? SizeInches = null, bool CanShowWarnings = true) : AssetAttributes
{
    public override (string Field, string Reason)? Validate() =>
        SizeInches is <= 0 or > 1000 ? ("size_inches", "must be in (0, 1000]") : null;
}

public sealed record KioskAttributes(bool Accessible = true, string? Services = null) : AssetAttributes
{
}

public sealed record PaymentTerminalAttributes(string? Operator = null, string? PaymentTypes = null) : AssetAttributes
{
}

[JsonConverter(typeof(JsonStringEnumConverter<CameraType>))]
public enum CameraType { Surveillance, VideoIntercom, AccessControl }

public sealed record CameraAttributes(CameraType CameraType = CameraType.Surveillance, double HeadingDeg = 0, double FovDeg = 90, double RangeM = 30) : AssetAttributes
{
    public override (string Field, string Reason)? Validate() =>
        HeadingDeg is < 0 or >= 360 ? ("heading_deg", "must be in [0, 360)") :
        FovDeg is <= 0 or > 360 ? ("fov_deg", "must be in (0, 360]") :
        RangeM is <= 0 or > 1000 ? ("range_m", "must be in (0, 1000] metres") : null;
}

[JsonConverter(typeof(JsonStringEnumConverter<SensorType>))]
public enum SensorType { Smoke, Gas, ToxicGas, WaterMeter, ElectricityMeter, GasMeter }

public sealed record SensorAttributes(SensorType SensorType = SensorType.Smoke, double? AlarmThreshold = null, DateTimeOffset? LastHeartbeat = null) : AssetAttributes
{
}

public sealed record VehicleGateAttributes(bool SmartParking = false, int? ParkingSpaces = null) : AssetAttributes
{
    public override (string Field, string Reason)? Validate() =>
        ParkingSpaces is < 0 ? ("parking_spaces", "must not be negative") : null;
}

public sealed record ServiceStationAttributes(string? Services = null, string? OpeningHours = null) : AssetAttributes
{
}

public sealed record VegetableGardenAttributes(double? AreaM2 = null, bool Delivers = false) : AssetAttributes
{
    public override (string Field, string Reason)? Validate() =>
        AreaM2 is < 0 ? ("area_m2", "must not be negative") : null;
}

/// <summary>The seven life elements of the 15-minute community service circle.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LifeElement>))]
public enum LifeElement
{
    /// <summary>吃</summary>
    Eat,
    /// <summary>住</summary>
    Live,
    /// <summary>行</summary>
    Travel,
    /// <summary>游</summary>
    Leisure,
    /// <summary>购</summary>
    Shop,
    /// <summary>娱</summary>
    Entertainment,
    /// <summary>健</summary>
    Health,
}

public sealed record ShopAttributes(LifeElement Category, string? ShopType = null, string? OpeningHours = null) : AssetAttributes
{
}

public sealed record ShelterAttributes(int? Capacity = null, double? AreaM2 = null) : AssetAttributes
{
    public override (string Field, string Reason)? Validate() =>
        Capacity is < 0 ? ("capacity", "must not be negative") :
        AreaM2 is < 0 ? ("area_m2", "must not be negative") : null;
}

public sealed record CivilDefenceAttributes(string? FacilityType = null, int? Capacity = null) : AssetAttributes
{
}

public sealed record ResidentialBuildingAttributes(int Households, int Residents, int? Floors = null) : AssetAttributes
{
    public override (string Field, string Reason)? Validate() =>
        Households < 0 ? ("households", "must not be negative") :
        Residents < 0 ? ("residents", "must not be negative") : null;
}
