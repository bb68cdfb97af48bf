using System.Globalization;
using Geo.Core.Public;
using Geo.Web.Localization;
using NetTopologySuite.Geometries;

namespace Geo.Web.Components.Public;

/// <summary>What the public pages' script draws (one JSON block per page; the script swaps lat/lon for Leaflet).</summary>
public sealed record PublicMapPoint(double Lon, double Lat, string Label, string Kind);
public sealed record PublicMapShape(Geometry Geometry, string Label, string Style);
public sealed record PublicMapData(double Lon, double Lat, IReadOnlyList<PublicMapShape> Shapes, IReadOnlyList<PublicMapPoint> Points, string Label);

/// <summary>Text helpers shared by the embed and screen pages.</summary>
public static class PublicText
{
    public static string T(Lang lang, Text key) => (lang == Lang.Zh ? UiText.Zh : UiText.En)[key];

    public static string F(Lang lang, Text key, object value) => string.Format(CultureInfo.InvariantCulture, T(lang, key), value);

    public static string HtmlLang(Lang lang) => lang == Lang.Zh ? "zh-CN" : "en";

    public static string KindName(Lang lang, string kind) =>
        Enum.GetValues<Core.Domain.AssetKind>().Where(k => Core.Domain.AssetKinds.Code(k) == kind)
            .Select(k => lang == Lang.Zh ? Core.Domain.AssetKinds.NameZh(k) : Core.Domain.AssetKinds.NameEn(k)).FirstOrDefault() ?? kind;

    /// <summary>"about 7 min walk", or the straight-line metres when no walking time is known.</summary>
    public static string HowFar(Lang lang, PublicPlace p) => p.Minutes is { } m
        ? F(lang, Text.PubWalkMin, Core.Public.PublicPlaces.ShownMinutes(m).ToString(CultureInfo.InvariantCulture))
        : F(lang, Text.PubStraightLine, Math.Round(p.DistanceM ?? 0).ToString(CultureInfo.InvariantCulture));

    public static Text Severity(string severity) => severity switch
    {
        "red" => Text.SevRed,
        "orange" => Text.SevOrange,
        "yellow" => Text.SevYellow,
        _ => Text.SevBlue,
    };
}
