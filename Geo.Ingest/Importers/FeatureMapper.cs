using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using NetTopologySuite.Geometries;

namespace Geo.Ingest.Importers;

/// <summary>Turns the raw properties of one feature into an <see cref="Asset"/>: the common columns by
/// name (English or the Chinese headers offices use), the kind-specific attributes through
/// <see cref="AssetJson.FromFields"/> and <see cref="AssetAttributes.Validate"/>. Text values are coerced
/// to the field's type first, because CSV and DBF deliver "50" where the record wants 50.</summary>
public sealed class FeatureMapper(AssetKind? defaultKind, string source)
{
    private static readonly string[] IdNames = ["external_id", "id", "编号"];
    private static readonly string[] NameNames = ["name", "名称"];
    private static readonly string[] StatusNames = ["status", "状态"];
    private static readonly Dictionary<string, string> LifeElementsZh = new()
    {
        ["吃"] = "eat", ["住"] = "live", ["行"] = "travel", ["游"] = "leisure", ["购"] = "shop", ["娱"] = "entertainment", ["健"] = "health",
    };
    private static readonly Dictionary<string, AssetStatus> StatusZh = new()
    {
        ["在线"] = AssetStatus.Online, ["离线"] = AssetStatus.Offline, ["维护"] = AssetStatus.Maintenance,
        ["维修"] = AssetStatus.Maintenance, ["规划"] = AssetStatus.Planned, ["计划"] = AssetStatus.Planned,
    };

    private sealed record Field(string Name, Type Type, bool Required);

    private static readonly Dictionary<AssetKind, Field[]> FieldsByKind = AssetKinds.All.ToDictionary(k => k, FieldsOf);

    // Many rows share identical attribute values: parse and validate each distinct JSON once.
    private readonly Dictionary<string, (AssetAttributes? Attributes, string? Error)> _cache = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Utf8JsonWriter? _writer;

    // the current feature's nested "attributes" object, looked up once per feature rather than once per missing field
    private JsonElement? _nested;

    /// <summary>The asset for <paramref name="f"/> with geometry <paramref name="geom"/> (already in 4326),
    /// or the reason it cannot be one.</summary>
    public (Asset? Asset, string? Error) Map(SourceFeature f, Geometry geom)
    {
        var p = f.Properties;
        _nested = p.TryGetValue("attributes", out var a) && a is JsonElement { ValueKind: JsonValueKind.Object } obj ? obj : null;
        var kind = defaultKind;
        if (Text(p, ["kind"]) is { } kindText)
        {
            if (!AssetKinds.TryParse(kindText, out var k)) return (null, $"unknown kind '{kindText}' (expected one of {string.Join(", ", AssetKinds.All.Select(x => x.Code()))})");
            kind = k;
        }
        if (kind is not { } assetKind) return (null, "no kind: pass --kind or give each feature a 'kind' property");
        var externalId = Text(p, IdNames);
        if (externalId is null) return (null, "no external id: a property 'id', 'external_id' or '编号' is required");
        var name = Text(p, NameNames) ?? $"{assetKind.NameZh()} {externalId}";
        if (TextEncodings.MojibakeReason(name) is { } bad) return (null, $"field 'name' = '{name}': wrong text encoding: {bad}");
        var status = AssetStatus.Online;
        if (Text(p, StatusNames) is { } st && !AssetKinds.TryParseStatus(st, out status) && !StatusZh.TryGetValue(st, out status))
            return (null, $"field 'status': unknown status '{st}' (online, offline, maintenance, planned)");
        var synthetic = false;
        if (Get(p, "synthetic") is { } syn && !TryBool(syn, out synthetic)) return (null, $"field 'synthetic': '{syn}' is not a boolean");
        var (attributes, error) = Attributes(assetKind, p);
        if (error is not null) return (null, error);
        return (new Asset
        {
            Kind = assetKind, Name = name, Status = status, Source = source, ExternalId = externalId,
            Geom = geom, Synthetic = synthetic, Attributes = attributes!,
        }, null);
    }

    private (AssetAttributes?, string?) Attributes(AssetKind kind, IReadOnlyDictionary<string, object?> p)
    {
        _buffer.Clear();
        if (_writer is null) _writer = new Utf8JsonWriter(_buffer);
        else _writer.Reset(_buffer);
        var w = _writer;
        {
            w.WriteStartObject();
            foreach (var field in FieldsByKind[kind])
            {
                var value = Get(p, field.Name);
                if (value is null)
                {
                    if (field.Required) return (null, $"attribute '{field.Name}' is required for kind {kind.Code()}");
                    continue;
                }
                if (value is string s && TextEncodings.MojibakeReason(s) is { } bad) return (null, $"attribute '{field.Name}' = '{s}': wrong text encoding: {bad}");
                w.WritePropertyName(field.Name);
                Write(w, field.Type, value);
            }
            w.WriteEndObject();
            w.Flush();
        }
        var key = kind.Code() + Encoding.UTF8.GetString(_buffer.WrittenSpan);
        if (_cache.TryGetValue(key, out var hit)) return hit;
        (AssetAttributes?, string?) result;
        try
        {
            using var doc = JsonDocument.Parse(_buffer.WrittenMemory);
            var attrs = AssetJson.FromFields(kind, doc.RootElement);
            result = attrs.Validate() is { } v ? (null, $"attribute '{v.Field}': {v.Reason}") : (attrs, null);
        }
        catch (JsonException e)
        {
            var field = e.Path?.TrimStart('$', '.') is { Length: > 0 } f ? f : "?";
            result = (null, $"attribute '{field}': invalid value {Describe(Get(p, field))} for kind {kind.Code()}");
        }
        if (_cache.Count > 100_000) _cache.Clear();
        _cache[key] = result;
        return result;
    }

    private static void Write(Utf8JsonWriter w, Type target, object value)
    {
        var t = Nullable.GetUnderlyingType(target) ?? target;
        var numeric = t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(float) || t == typeof(decimal);
        switch (value)
        {
            case JsonElement e: e.WriteTo(w); return;
            case bool b when t == typeof(string): w.WriteStringValue(b ? "true" : "false"); return;
            case bool b: w.WriteBooleanValue(b); return;
            case long l when t == typeof(bool) && l is 0 or 1: w.WriteBooleanValue(l == 1); return;
            case long l when t == typeof(string): w.WriteStringValue(l.ToString(CultureInfo.InvariantCulture)); return;
            case long l: w.WriteNumberValue(l); return;
            case int i: w.WriteNumberValue(i); return;
            case double d when t == typeof(string): w.WriteStringValue(d.ToString("R", CultureInfo.InvariantCulture)); return;
            case double d: w.WriteNumberValue(d); return;
            case float f: w.WriteNumberValue(f); return;
            case decimal m: w.WriteNumberValue(m); return;
            case DateTime dt: w.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture)); return;
            case DateTimeOffset dto: w.WriteStringValue(dto); return;
        }
        var s = Convert.ToString(value, CultureInfo.InvariantCulture)!.Trim();
        if (numeric && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) { w.WriteNumberValue(n); return; }
        if (t == typeof(bool) && TryBool(s, out var flag)) { w.WriteBooleanValue(flag); return; }
        if (t.IsEnum) { w.WriteStringValue(LifeElementsZh.TryGetValue(s, out var le) && t == typeof(LifeElement) ? le : s.ToLowerInvariant()); return; }
        w.WriteStringValue(s); // a wrong type fails in FromFields, which names the field
    }

    private static bool TryBool(object v, out bool b)
    {
        switch (v)
        {
            case bool x: b = x; return true;
            case long l when l is 0 or 1: b = l == 1; return true;
        }
        switch (Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "y" or "t" or "是": b = true; return true;
            case "false" or "0" or "no" or "n" or "f" or "否": b = false; return true;
            default: b = false; return false;
        }
    }

    private object? Get(IReadOnlyDictionary<string, object?> p, string name)
    {
        if (p.TryGetValue(name, out var v) && v is not null) return v;
        // GeoJSON may nest the kind-specific fields under "attributes"
        if (_nested is { } obj && obj.TryGetProperty(name, out var inner) && inner.ValueKind != JsonValueKind.Null)
            return inner.ValueKind switch
            {
                JsonValueKind.String => inner.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => inner,
            };
        return null;
    }

    private string? Text(IReadOnlyDictionary<string, object?> p, ReadOnlySpan<string> names)
    {
        foreach (var n in names)
        {
            var v = Get(p, n);
            var s = v switch
            {
                null => null,
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                JsonElement e => e.ToString(),
                _ => Convert.ToString(v, CultureInfo.InvariantCulture),
            };
            if (!string.IsNullOrWhiteSpace(s)) return s.Trim();
        }
        return null;
    }

    private static string Describe(object? v) => v switch
    {
        null => "(missing)",
        string s => $"'{s}'",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "?",
    };

    private static Field[] FieldsOf(AssetKind kind)
    {
        var type = AssetJson.AttributeType(kind);
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var nullability = new NullabilityInfoContext();
        return ctor.GetParameters().Select(p => new Field(
            JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name!),
            p.ParameterType,
            // positional parameters without a default and not nullable (shop category, households) must be given
            !p.HasDefaultValue && Nullable.GetUnderlyingType(p.ParameterType) is null && nullability.Create(p).WriteState != NullabilityState.Nullable))
            .ToArray();
    }
}
