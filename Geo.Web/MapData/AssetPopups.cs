using System.Globalization;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Places;
using Geo.Web.Localization;

namespace Geo.Web.MapData;

public sealed record PopupRow(string Label, string Value);

/// <summary>Popup content, localised on the server: the JS module only lays it out (as text, never HTML).</summary>
public sealed record PopupContent(long Id, string Name, string Kind, string KindName, bool Synthetic, string SyntheticLabel, IReadOnlyList<PopupRow> Rows);

public sealed record PlaceLine(string Level, string Code, string Name, string? GridManager, bool Synthetic);

public sealed record LocateContent(string Title, bool Synthetic, string SyntheticLabel, IReadOnlyList<PopupRow> Rows);

public static class AssetPopups
{
    /// <summary>Null for an unknown asset and for one whose kind the viewer may not see (the same answer: hidden is not disclosed).</summary>
    public static async Task<PopupContent?> BuildAsync(GeoDbContext db, long id, UiLanguage l, IReadOnlyCollection<AssetKind> allowed)
    {
        var a = await MapQueries.AssetAsync(db, id);
        if (a is null || !AssetKinds.TryParse(a.Kind, out var kind) || !allowed.Contains(kind)) return null;
        var rows = new List<PopupRow> { new(l[Text.Kind], l.KindName(kind)) };
        if (AssetKinds.TryParseStatus(a.Status, out var status)) rows.Add(new(l[Text.Status], l.StatusName(status)));
        rows.AddRange(AttributeRows(a.Attributes, l));
        if (a.Community is not null) rows.Add(new(l[Text.Community], a.Community));
        if (a.GridCell is not null) rows.Add(new(l[Text.GridCell], a.GridCell));
        return new PopupContent(a.Id, a.Name, a.Kind, l.KindName(kind), a.Synthetic, l[Text.Synthetic], rows);
    }

    /// <summary>The kind-specific attributes as labelled rows, every coded value by its label (生活要素 健·医疗健康, not health).</summary>
    public static List<PopupRow> AttributeRows(string attributesJson, UiLanguage l)
    {
        var rows = new List<PopupRow>();
        using var doc = JsonDocument.Parse(attributesJson);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "kind" || p.Value.ValueKind == JsonValueKind.Null) continue;
            rows.Add(new(l.Field(p.Name), Format(p.Value, l)));
        }
        return rows;
    }

    /// <summary>The levels of a <see cref="Location"/> below the district, top down, as the panel and popup list them.</summary>
    public static IReadOnlyList<PlaceLine> Lines(Location at)
    {
        var lines = new List<PlaceLine>();
        if (at.Subdistrict is { } s) lines.Add(new("subdistrict", s.Code, s.Name, null, s.Synthetic));
        if (at.Community is { } c) lines.Add(new("community", c.Code, c.Name, null, c.Synthetic));
        if (at.GridCell is { } g) lines.Add(new("grid_cell", g.Code, g.Name, g.GridManager, g.Synthetic));
        return lines;
    }

    public static LocateContent Locate(Location at, UiLanguage l)
    {
        var rows = new List<PopupRow>();
        foreach (var p in Lines(at))
        {
            var label = p.Level switch { "subdistrict" => l[Text.Subdistrict], "community" => l[Text.Community], _ => l[Text.GridCell] };
            rows.Add(new(label, $"{p.Name} ({p.Code})"));
            if (p.GridManager is not null) rows.Add(new(l[Text.GridManager], p.GridManager));
        }
        if (at.Community is { } community) rows.Add(new(l[Text.Population], community.Population.ToString("N0", CultureInfo.InvariantCulture)));
        rows.Add(new("lon, lat", $"{at.Lon.ToString("F5", CultureInfo.InvariantCulture)}, {at.Lat.ToString("F5", CultureInfo.InvariantCulture)}"));
        var title = at.Community?.Name ?? l[Text.Outside];
        return new LocateContent(title, Lines(at).Any(p => p.Synthetic), l[Text.Synthetic], rows);
    }

    private static string Format(JsonElement v, UiLanguage l) => v.ValueKind switch
    {
        JsonValueKind.True => l.Current == Lang.Zh ? "是" : "yes",
        JsonValueKind.False => l.Current == Lang.Zh ? "否" : "no",
        JsonValueKind.Number => v.GetDouble().ToString("0.##", CultureInfo.InvariantCulture),
        JsonValueKind.String => l.CodeValue(v.GetString() ?? ""),
        _ => v.GetRawText(),
    };
}
