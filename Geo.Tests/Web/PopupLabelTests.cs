using System.Text.RegularExpressions;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Places;
using Geo.Ingest.Generation;
using Geo.Web.Localization;
using Geo.Web.MapData;

namespace Geo.Tests.Web;

/// <summary>Popups show a label for every code: no row of any kind's attributes (every shop type of every life element,
/// every camera and sensor type, the generator's attributes of every kind) shows a raw snake_case code in zh-CN, and
/// every code has an English label too.</summary>
public sealed partial class PopupLabelTests
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex RawCode();

    private static IEnumerable<AssetAttributes> EveryVariant()
    {
        foreach (var t in AssetCatalog.ShopTypes) yield return new ShopAttributes(t.Category, t.Code, t.Hours);
        foreach (var e in Enum.GetValues<LifeElement>()) yield return new ShopAttributes(e);
        foreach (var c in Enum.GetValues<CameraType>()) yield return new CameraAttributes(c);
        foreach (var s in Enum.GetValues<SensorType>()) yield return new SensorAttributes(s, 1, DateTimeOffset.UnixEpoch);
        foreach (var kind in AssetKinds.All.Where(k => k != AssetKind.ResidentialBuilding))
            for (var seed = 0; seed < 20; seed++)
                yield return AssetCatalog.Attributes(kind, AssetStatus.Online, Prng.For(seed, "popup", kind.Code()));
        yield return new ResidentialBuildingAttributes(10, 30, 6);
    }

    [Fact]
    public void No_popup_row_shows_a_raw_code_in_Chinese_and_every_code_has_an_English_label()
    {
        var zh = new UiLanguage();
        var en = new UiLanguage();
        en.Set(Lang.En);
        var seen = 0;
        foreach (var a in EveryVariant())
        {
            var json = AssetJson.Serialize(a);
            foreach (var row in AssetPopups.AttributeRows(json, zh))
            {
                Assert.False(RawCode().IsMatch(row.Label), $"{a.Kind}: label '{row.Label}' is a raw code ({json})");
                Assert.False(RawCode().IsMatch(row.Value), $"{a.Kind}: {row.Label} = '{row.Value}' is a raw code ({json})");
                seen++;
            }
            foreach (var row in AssetPopups.AttributeRows(json, en))
                Assert.False(RawCode().IsMatch(row.Value) && row.Value.Contains('_'), $"{a.Kind}: {row.Label} = '{row.Value}' has no English label ({json})");
        }
        Assert.True(seen > 300);

        // the ones the issue saw
        var health = AssetPopups.AttributeRows(AssetJson.Serialize(new ShopAttributes(LifeElement.Health, "elderly_care")), zh);
        Assert.Contains(health, r => r.Label == "生活要素" && r.Value == PlaceCategories.ElementName(LifeElement.Health, zh: true));
        Assert.Contains(health, r => r.Label == "店铺类型" && r.Value == "养老驿站");
        Assert.Contains(AssetPopups.AttributeRows(AssetJson.Serialize(new ShopAttributes(LifeElement.Health, "elderly_care")), en), r => r.Value == "Elderly care station");

        // every shop type the generator makes is in the shared label table
        Assert.All(AssetCatalog.ShopTypes, t => Assert.Equal(t.Zh, PlaceCategories.ShopTypeNames[t.Code].Zh));
    }
}
