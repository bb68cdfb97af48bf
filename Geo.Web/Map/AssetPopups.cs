using System.Globalization;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Geo.Web.Localization;

namespace Geo.Web.Map;

public sealed record PopupRow(string Label, string Value);

/// <summary>Popup content, localised on the server: the JS module only lays it out (as text, never HTML).</summary>
public sealed record PopupContent(long Id, string Name, string Kind, string KindName, bool Synthetic, string SyntheticLabel, IReadOnlyList<PopupRow> Rows);

public sealed record LocateContent(string Title, bool Synthetic, string SyntheticLabel, IReadOnlyList<PopupRow> Rows);

public static class AssetPopups
{
    public static async Task<PopupContent?> BuildAsync(GeoDbContext db, long id, UiLanguage l, TileLayers layers)
    {
        var a = await MapQueries.AssetAsync(db, id);
        if (a is null || !AssetKinds.TryParse(a.Kind, out var kind) || layers.HiddenKinds.Contains(kind)) return null;
        var rows = new List<PopupRow> { new(l[Text.Kind], l.KindName(kind)) };
        if (AssetKinds.TryParseStatus(a.Status, out var status)) rows.Add(new(l[Text.Status], l.StatusName(status)));
        using var doc = JsonDocument.Parse(a.Attributes);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "kind") continue;
            rows.Add(new(l.Field(p.Name), Format(p.Value, l)));
        }
        if (a.Community is not null) rows.Add(new(l[Text.Community], a.Community));
        if (a.GridCell is not null) rows.Add(new(l[Text.GridCell], a.GridCell));
        return new PopupContent(a.Id, a.Name, a.Kind, l.KindName(kind), a.Synthetic, l[Text.Synthetic], rows);
    }

    public static LocateContent Locate(IReadOnlyList<PlaceRow> places, double lon, double lat, UiLanguage l)
    {
        var rows = new List<PopupRow>();
        foreach (var p in places)
        {
            var label = p.Level switch { "subdistrict" => l[Text.Subdistrict], "community" => l[Text.Community], _ => l[Text.GridCell] };
            rows.Add(new(label, $"{p.Name} ({p.Code})"));
            if (p.GridManager is not null) rows.Add(new(l[Text.GridManager], p.GridManager));
        }
        var community = places.FirstOrDefault(p => p.Level == "community");
        if (community is not null) rows.Add(new(l[Text.Population], community.Population.ToString("N0", CultureInfo.InvariantCulture)));
        rows.Add(new("lon, lat", $"{lon.ToString("F5", CultureInfo.InvariantCulture)}, {lat.ToString("F5", CultureInfo.InvariantCulture)}"));
        var title = community?.Name ?? l[Text.Outside];
        return new LocateContent(title, places.Any(p => p.Synthetic), l[Text.Synthetic], rows);
    }

    private static string Format(JsonElement v, UiLanguage l) => v.ValueKind switch
    {
        JsonValueKind.True => l.Current == Lang.Zh ? "是" : "yes",
        JsonValueKind.False => l.Current == Lang.Zh ? "否" : "no",
        JsonValueKind.Number => v.GetDouble().ToString("0.##", CultureInfo.InvariantCulture),
        JsonValueKind.String => v.GetString() ?? "",
        _ => v.GetRawText(),
    };
}
