using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Geo.Core.Access;
using Geo.Core.Data;
using Geo.Core.Domain;

namespace Geo.Api.Ogc;

public enum QType { String, Integer, Number, Boolean, Timestamp, Geometry }

/// <summary>A property clients may filter, sort and select by; <see cref="Sql"/> is a fixed expression on
/// alias <c>t</c>. This whitelist is the only way a client-named property reaches SQL text.</summary>
public sealed record Queryable(string Name, QType Type, string Sql, string? Title = null, IReadOnlyList<string>? Enum = null);

/// <summary>One OGC collection: an asset kind or a region level (or, unlisted, all exposed assets for /api queries).</summary>
public sealed record OgcCollection(string Id, string Title, string Description, AssetKind? Kind, RegionLevel? Level,
    IReadOnlyList<Queryable> Queryables)
{
    public bool IsAssets => Level is null;
    public string Table => IsAssets ? "assets" : "regions";

    public Queryable? Find(string name) =>
        Queryables.FirstOrDefault(q => string.Equals(q.Name, name, StringComparison.OrdinalIgnoreCase));
}

public static class OgcCollections
{
    private static readonly Queryable[] AssetCore =
    [
        new("id", QType.Integer, "t.id", "Asset id"),
        new("name", QType.String, "t.name", "Name"),
        new("kind", QType.String, "t.kind", "Asset kind", AssetKinds.All.Select(k => k.Code()).ToArray()),
        new("status", QType.String, "t.status", "Status", Enum.GetValues<AssetStatus>().Select(s => s.Code()).ToArray()),
        new("source", QType.String, "t.source", "Source of the record"),
        new("external_id", QType.String, "t.external_id", "Id in the source"),
        new("community_id", QType.Integer, "t.community_id", "Containing community (region id)"),
        new("grid_cell_id", QType.Integer, "t.grid_cell_id", "Containing grid cell (region id)"),
        new("created_at", QType.Timestamp, "t.created_at", "Created"),
        new("updated_at", QType.Timestamp, "t.updated_at", "Last updated"),
        new("synthetic", QType.Boolean, "t.synthetic", "Synthetic demo record"),
        new("geometry", QType.Geometry, "t.geom", "Geometry"),
    ];

    private static readonly Queryable[] RegionCore =
    [
        new("id", QType.Integer, "t.id", "Region id"),
        new("code", QType.String, "t.code", "Division code"),
        new("name", QType.String, "t.name", "Name"),
        new("parent_id", QType.Integer, "t.parent_id", "Parent region id"),
        new("unit_type", QType.String, "t.unit_type", "街道/镇/乡 or 社区/村"),
        new("population", QType.Integer, "t.population", "Population"),
        new("population_60_plus", QType.Integer, "t.population_60_plus", "Population aged 60+"),
        new("grid_manager", QType.String, "t.grid_manager", "Grid manager (grid cells)"),
        new("grid_manager_phone", QType.String, "t.grid_manager_phone", "Grid manager phone (grid cells)"),
        new("pilot", QType.Boolean, "t.pilot", "Pilot community"),
        new("synthetic", QType.Boolean, "t.synthetic", "Synthetic demo record"),
        new("updated_at", QType.Timestamp, "t.updated_at", "Last updated"),
        new("geometry", QType.Geometry, "t.geom", "Geometry"),
    ];

    private static readonly OgcCollection[] AllCollections =
    [
        .. AssetKinds.All.Select(k => new OgcCollection(k.Code(), $"{k.NameZh()} {k.NameEn()}",
            $"Smart-community assets of kind '{k.Code()}' in Tongzhou District", k, null, [.. AssetCore.Where(q => q.Name != "kind"), .. AttributeQueryables(k)])),
        .. Enum.GetValues<RegionLevel>().Select(l => new OgcCollection(l.Code(), RegionTitle(l),
            $"Administrative regions of level '{l.Code()}'", null, l, RegionCore)),
    ];

    /// <summary>Every queryable of every collection, each name once (for the OpenAPI description).</summary>
    public static IEnumerable<Queryable> AllQueryables() =>
        AllCollections.Where(c => c.Kind is not { } k || !AssetKinds.IsSensitive(k)).SelectMany(c => c.Queryables).DistinctBy(q => q.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every exposed asset at once (unlisted): the scope of /api/query/within and /api/nearby.</summary>
    public static OgcCollection AllAssets { get; } = new("assets", "All assets", "All exposed assets", null, null, AssetCore);

    /// <summary>Cameras and sensors: staff always, everyone else only when the deployment exposes them.</summary>
    public static bool ExposeSensitive(SiteOptions config, ClaimsPrincipal? user) =>
        SensitiveLayers.CanSee(user, config.ExposeSensitiveLayers);

    public static IEnumerable<OgcCollection> Listed(SiteOptions config, ClaimsPrincipal? user)
    {
        var sensitive = ExposeSensitive(config, user);
        return AllCollections.Where(c => c.Kind is not { } k || sensitive || !AssetKinds.IsSensitive(k));
    }

    /// <summary>A hidden collection is indistinguishable from an unknown one (404): its existence is not disclosed.</summary>
    public static OgcCollection? Find(SiteOptions config, ClaimsPrincipal? user, string id) =>
        Listed(config, user).FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyList<AssetKind> ExposedKinds(SiteOptions config, ClaimsPrincipal? user) =>
        SensitiveLayers.VisibleKinds(user, config.ExposeSensitiveLayers);

    private static string RegionTitle(RegionLevel l) => l switch
    {
        RegionLevel.District => "区 District",
        RegionLevel.Subdistrict => "街道/镇/乡 Subdistricts and towns",
        RegionLevel.Community => "社区/村 Communities and villages",
        _ => "网格 Grid cells",
    };

    /// <summary>Kind-specific scalar attributes, read off the typed attribute record so a new field becomes
    /// queryable without touching this class. JSON names follow <see cref="AssetJson"/> (snake_case).</summary>
    private static IEnumerable<Queryable> AttributeQueryables(AssetKind kind)
    {
        foreach (var p in AssetJson.AttributeType(kind).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<JsonIgnoreAttribute>() is not null || p.GetMethod is null) continue;
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var json = $"(t.attributes->>'{name}')";
            if (type == typeof(string)) yield return new(name, QType.String, json, p.Name);
            else if (type.IsEnum) yield return new(name, QType.String, json, p.Name, System.Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToArray());
            else if (type == typeof(int) || type == typeof(long)) yield return new(name, QType.Integer, json + "::bigint", p.Name);
            else if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) yield return new(name, QType.Number, json + "::double precision", p.Name);
            else if (type == typeof(bool)) yield return new(name, QType.Boolean, json + "::boolean", p.Name);
            else if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) yield return new(name, QType.Timestamp, json + "::timestamptz", p.Name);
        }
    }
}
