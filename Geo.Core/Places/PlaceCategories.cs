using Geo.Core.Data;
using Geo.Core.Domain;

namespace Geo.Core.Places;

/// <summary>A category residents choose or type: whole asset kinds (<see cref="Kinds"/>) and/or shops, narrowed to a life
/// element and/or shop types. <see cref="Synonyms"/> are the words people type for it (诊所 → health).</summary>
public sealed record PlaceCategory(string Code, string Zh, string En, IReadOnlyList<AssetKind> Kinds, bool Shops,
    LifeElement? Element = null, IReadOnlyList<string>? ShopTypes = null, IReadOnlyList<string>? Synonyms = null)
{
    /// <summary>A SQL predicate over <c>t</c> (an <c>assets</c> row) for this category; its values go through <paramref name="sql"/>.</summary>
    public string Predicate(SqlParams sql)
    {
        var parts = new List<string>();
        if (Kinds.Count > 0) parts.Add($"t.kind = ANY({sql.Add(Kinds.Select(k => k.Code()).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)})");
        if (Shops)
        {
            var shop = "t.kind = 'shop'";
            if (Element is { } e) shop += $" AND t.attributes->>'category' = {sql.Add(PlaceCategories.ElementCode(e), NpgsqlTypes.NpgsqlDbType.Text)}";
            if (ShopTypes is { Count: > 0 } types) shop += $" AND t.attributes->>'shop_type' = ANY({sql.Add(types.ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)})";
            parts.Add($"({shop})");
        }
        return parts.Count == 0 ? "false" : "(" + string.Join(" OR ", parts) + ")";
    }
}

/// <summary>One table of the codes residents meet: the 附近 chips and search categories, and zh-CN/English labels for
/// every life element and shop type (the generator's shop types; an unknown code is shown as itself).</summary>
public static class PlaceCategories
{
    public static string ElementCode(LifeElement e) => e.ToString().ToLowerInvariant();

    private static readonly Dictionary<LifeElement, (string Zh, string En)> ElementNames = new()
    {
        [LifeElement.Eat] = ("吃·餐饮", "Eat"),
        [LifeElement.Live] = ("住·居家生活", "Living"),
        [LifeElement.Travel] = ("行·出行", "Getting around"),
        [LifeElement.Leisure] = ("游·休闲", "Leisure"),
        [LifeElement.Shop] = ("购·购物", "Shopping"),
        [LifeElement.Entertainment] = ("娱·文娱", "Entertainment"),
        [LifeElement.Health] = ("健·医疗健康", "Health"),
    };

    /// <summary>Shop types (attributes.shop_type) with their labels.</summary>
    public static readonly IReadOnlyDictionary<string, (string Zh, string En)> ShopTypeNames = new Dictionary<string, (string, string)>
    {
        ["restaurant"] = ("餐馆", "Restaurant"), ["breakfast"] = ("早餐店", "Breakfast shop"), ["snack_bar"] = ("小吃店", "Snack bar"),
        ["cafe"] = ("咖啡茶饮", "Café / tea"), ["hotel"] = ("酒店", "Hotel"), ["housekeeping"] = ("家政服务", "Housekeeping"),
        ["repair"] = ("维修店", "Repair shop"), ["kindergarten"] = ("幼儿园", "Kindergarten"), ["school"] = ("学校", "School"),
        ["bus_stop"] = ("公交站", "Bus stop"), ["subway_station"] = ("地铁站", "Subway station"), ["parking"] = ("停车场", "Parking"),
        ["bike_share"] = ("共享单车点", "Bike share"), ["gas_station"] = ("加油站", "Petrol station"), ["park"] = ("公园", "Park"),
        ["square"] = ("广场", "Square"), ["library"] = ("图书室", "Library"), ["scenic_spot"] = ("景点", "Sight"),
        ["supermarket"] = ("超市", "Supermarket"), ["convenience_store"] = ("便利店", "Convenience store"), ["market"] = ("菜市场", "Food market"),
        ["bookstore"] = ("书店", "Bookshop"), ["clothing"] = ("服装店", "Clothes shop"), ["cinema"] = ("电影院", "Cinema"),
        ["ktv"] = ("KTV", "Karaoke"), ["chess_room"] = ("棋牌室", "Chess and cards room"), ["culture_centre"] = ("文化活动中心", "Culture centre"),
        ["clinic"] = ("社区卫生服务站", "Community clinic"), ["pharmacy"] = ("药店", "Pharmacy"), ["hospital"] = ("医院", "Hospital"),
        ["fitness"] = ("健身场所", "Fitness"), ["elderly_care"] = ("养老驿站", "Elderly care station"),
    };

    public static string ElementName(LifeElement e, bool zh) => zh ? ElementNames[e].Zh : ElementNames[e].En;

    /// <summary>The label of a life-element code or a shop-type code; null when the code is neither.</summary>
    public static string? CodeName(string code, bool zh)
    {
        if (ShopTypeNames.TryGetValue(code, out var t)) return zh ? t.Zh : t.En;
        foreach (var (e, n) in ElementNames) if (ElementCode(e) == code) return zh ? n.Zh : n.En;
        if (AssetKinds.TryParse(code, out var k)) return zh ? k.NameZh() : k.NameEn();
        return null;
    }

    /// <summary>The 附近 chips, in the order the map shows them: the seven life elements, then shelters, health,
    /// elderly care and the asset kinds residents walk to. Chips are ⊂ <see cref="All"/>.</summary>
    public static readonly IReadOnlyList<PlaceCategory> Chips =
    [
        ..Enum.GetValues<LifeElement>().Select(e => new PlaceCategory(ElementCode(e), ElementNames[e].Zh, ElementNames[e].En, [], true, e)),
        new("shelter", "应急避难", "Shelters", [AssetKind.Shelter, AssetKind.CivilDefence], false, Synonyms: ["避难", "避难所", "避难场所", "应急避难", "人防"]),
        new("elderly_care", "养老", "Elderly care", [AssetKind.ServiceStation], true, ShopTypes: ["elderly_care"], Synonyms: ["养老", "驿站", "养老驿站", "敬老", "老年"]),
        new("service_station", AssetKind.ServiceStation.NameZh(), AssetKind.ServiceStation.NameEn(), [AssetKind.ServiceStation], false, Synonyms: ["服务站", "便民"]),
        new("kiosk", AssetKind.Kiosk.NameZh(), AssetKind.Kiosk.NameEn(), [AssetKind.Kiosk], false, Synonyms: ["一键通", "终端"]),
        new("payment_terminal", AssetKind.PaymentTerminal.NameZh(), AssetKind.PaymentTerminal.NameEn(), [AssetKind.PaymentTerminal], false, Synonyms: ["缴费"]),
        new("vegetable_garden", AssetKind.VegetableGarden.NameZh(), AssetKind.VegetableGarden.NameEn(), [AssetKind.VegetableGarden], false, Synonyms: ["菜园"]),
        new("wifi_hotspot", AssetKind.WifiHotspot.NameZh(), AssetKind.WifiHotspot.NameEn(), [AssetKind.WifiHotspot], false, Synonyms: ["wifi", "热点", "无线"]),
    ];

    /// <summary>Chips plus the finer categories search understands.</summary>
    public static readonly IReadOnlyList<PlaceCategory> All =
    [
        ..Chips,
        new("medical", "医疗", "Medical care", [], true, LifeElement.Health, ["clinic", "hospital"], ["诊所", "卫生站", "卫生服务站", "卫生", "医院", "社区医院", "看病", "门诊"]),
        new("pharmacy", "药店", "Pharmacy", [], true, LifeElement.Health, ["pharmacy"], ["药店", "药房", "买药"]),
        new("daily_shopping", "日常购物", "Daily shopping", [], true, LifeElement.Shop, ["supermarket", "convenience_store", "market"], ["超市", "便利店", "菜市场", "买菜"]),
        new("transit", "公交地铁", "Bus and subway", [], true, LifeElement.Travel, ["bus_stop", "subway_station"], ["公交", "公交站", "地铁", "地铁站"]),
        new("park", "公园广场", "Parks and squares", [], true, LifeElement.Leisure, ["park", "square"], ["公园", "广场"]),
    ];

    public static PlaceCategory? Find(string? code) =>
        code is null ? null : All.FirstOrDefault(c => string.Equals(c.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The category a typed word names (its code, or a label or synonym it contains; the longest wins), or null.</summary>
    public static PlaceCategory? Match(string q)
    {
        q = q.Trim();
        if (q.Length == 0) return null;
        if (Find(q) is { } byCode) return byCode;
        PlaceCategory? best = null;
        var bestLen = 0;
        foreach (var c in All)
        {
            foreach (var word in (c.Synonyms ?? []).Append(c.Zh))
            {
                // the query names the category when it contains the word ("附近的药店"); not when it is only a prefix of
                // one: "社区" would read as 社区服务站 and hide the communities people look for (short forms are synonyms)
                if (word.Length > bestLen && q.Contains(word, StringComparison.OrdinalIgnoreCase)) (best, bestLen) = (c, word.Length);
            }
        }
        return best;
    }
}
