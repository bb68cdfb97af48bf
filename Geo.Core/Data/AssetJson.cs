using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Geo.Core.Domain;

namespace Geo.Core.Data;

/// <summary>The one JSON shape of kind-specific attributes: snake_case fields and enum values,
/// a "kind" discriminator. Used by the jsonb column, the importers and the API alike.</summary>
public static class AssetJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            PropertyNameCaseInsensitive = true,
            AllowOutOfOrderMetadataProperties = true,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    public static string Serialize(AssetAttributes attributes) => JsonSerializer.Serialize(attributes, Options);

    public static AssetAttributes Deserialize(string json) =>
        JsonSerializer.Deserialize<AssetAttributes>(json, Options) ?? throw new JsonException("attributes are null");

    /// <summary>Builds the attributes of <paramref name="kind"/> from a JSON object of fields (no discriminator needed).</summary>
    public static AssetAttributes FromFields(AssetKind kind, JsonElement fields) =>
        (AssetAttributes)(fields.Deserialize(AttributeType(kind), Options) ?? throw new JsonException("attributes are null"));

    private static readonly Dictionary<Type, AssetKind> KindsByType =
        AssetKinds.All.ToDictionary(AttributeType, k => k);

    public static AssetKind KindOf(Type attributeType) => KindsByType[attributeType];

    public static Type AttributeType(AssetKind kind) => kind switch
    {
        AssetKind.WifiHotspot => typeof(WifiHotspotAttributes),
        AssetKind.DisplayScreen => typeof(DisplayScreenAttributes),
        AssetKind.Kiosk => typeof(KioskAttributes),
        AssetKind.PaymentTerminal => typeof(PaymentTerminalAttributes),
        AssetKind.Camera => typeof(CameraAttributes),
        AssetKind.Sensor => typeof(SensorAttributes),
        AssetKind.VehicleGate => typeof(VehicleGateAttributes),
        AssetKind.ServiceStation => typeof(ServiceStationAttributes),
        AssetKind.VegetableGarden => typeof(VegetableGardenAttributes),
        AssetKind.Shop => typeof(ShopAttributes),
        AssetKind.Shelter => typeof(ShelterAttributes),
        AssetKind.CivilDefence => typeof(CivilDefenceAttributes),
        AssetKind.ResidentialBuilding => typeof(ResidentialBuildingAttributes),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
