namespace Geo.Web.Localization;

public enum Lang { Zh, En }

/// <summary>Every UI string, keyed by a typed enum. A test checks both languages define every key.</summary>
public enum Text
{
    AppTitle, ViewResident, ViewPlanner, ViewGridManager, SwitchLanguage, Layers, Legend, Search, SearchPlaceholder,
    NoResults, Community, GridCell, Subdistrict, District, Asset, Outside, GridManager, Population, Status,
    Synthetic, SyntheticBanner, Measure, MeasureHint, Distance, NearMe, NearMeHint, NearbyNone, Nearby, Metres,
    TooManyInView, ShowingDensity, ResidentIntro, PlannerIntro, GridManagerIntro, LaterIssue, MenuToggle,
    StatusOnline, StatusOffline, StatusMaintenance, StatusPlanned, Clear, Code, Kind, ClickHint, SensitiveHidden,
}

public static class UiText
{
    public static readonly IReadOnlyDictionary<Text, string> Zh = new Dictionary<Text, string>
    {
        [Text.AppTitle] = "通州智慧社区地图",
        [Text.ViewResident] = "居民",
        [Text.ViewPlanner] = "规划",
        [Text.ViewGridManager] = "网格员",
        [Text.SwitchLanguage] = "English",
        [Text.Layers] = "图层",
        [Text.Legend] = "图例",
        [Text.Search] = "搜索",
        [Text.SearchPlaceholder] = "名称、社区或网格编码",
        [Text.NoResults] = "没有找到结果",
        [Text.Community] = "社区",
        [Text.GridCell] = "网格",
        [Text.Subdistrict] = "街道/乡镇",
        [Text.District] = "区",
        [Text.Asset] = "设施",
        [Text.Outside] = "不在通州区的社区范围内",
        [Text.GridManager] = "网格员",
        [Text.Population] = "人口",
        [Text.Status] = "状态",
        [Text.Synthetic] = "合成数据",
        [Text.SyntheticBanner] = "地图含合成的演示数据（虚线标记），并非真实设施",
        [Text.Measure] = "测距",
        [Text.MeasureHint] = "在地图上依次点击以测量距离，再点“测距”结束",
        [Text.Distance] = "距离",
        [Text.NearMe] = "附近",
        [Text.NearMeHint] = "使用您的位置；无法定位时使用最后点击的位置",
        [Text.NearbyNone] = "1 公里内没有可见的设施",
        [Text.Nearby] = "附近的设施",
        [Text.Metres] = "米",
        [Text.TooManyInView] = "当前范围设施过多，显示抽稀后的矢量瓦片；放大查看单个设施",
        [Text.ShowingDensity] = "抽稀显示",
        [Text.ResidentIntro] = "查找身边的服务：点击地图查看所在社区和网格，或点“附近”。",
        [Text.PlannerIntro] = "规划视图：查看各类设施分布。",
        [Text.GridManagerIntro] = "网格员视图：查看网格边界与网格内设施。",
        [Text.LaterIssue] = "覆盖分析与派单功能将在后续版本提供。",
        [Text.MenuToggle] = "面板",
        [Text.StatusOnline] = "在线",
        [Text.StatusOffline] = "离线",
        [Text.StatusMaintenance] = "维护中",
        [Text.StatusPlanned] = "规划中",
        [Text.Clear] = "清除",
        [Text.Code] = "编码",
        [Text.Kind] = "类型",
        [Text.ClickHint] = "点击地图任意位置查看所属社区和网格",
        [Text.SensitiveHidden] = "摄像头与传感器仅对工作人员可见",
    };

    public static readonly IReadOnlyDictionary<Text, string> En = new Dictionary<Text, string>
    {
        [Text.AppTitle] = "Tongzhou Smart Community Map",
        [Text.ViewResident] = "Resident",
        [Text.ViewPlanner] = "Planner",
        [Text.ViewGridManager] = "Grid manager",
        [Text.SwitchLanguage] = "中文",
        [Text.Layers] = "Layers",
        [Text.Legend] = "Legend",
        [Text.Search] = "Search",
        [Text.SearchPlaceholder] = "Name, community or grid code",
        [Text.NoResults] = "Nothing found",
        [Text.Community] = "Community",
        [Text.GridCell] = "Grid cell",
        [Text.Subdistrict] = "Subdistrict/town",
        [Text.District] = "District",
        [Text.Asset] = "Asset",
        [Text.Outside] = "Not inside any Tongzhou community",
        [Text.GridManager] = "Grid manager",
        [Text.Population] = "Population",
        [Text.Status] = "Status",
        [Text.Synthetic] = "Synthetic data",
        [Text.SyntheticBanner] = "The map includes synthetic demo data (dashed markers), not real assets",
        [Text.Measure] = "Measure",
        [Text.MeasureHint] = "Click points on the map to measure; press Measure again to finish",
        [Text.Distance] = "Distance",
        [Text.NearMe] = "Near me",
        [Text.NearMeHint] = "Uses your location, or the last point you clicked when it is unavailable",
        [Text.NearbyNone] = "No visible assets within 1 km",
        [Text.Nearby] = "Nearby assets",
        [Text.Metres] = "m",
        [Text.TooManyInView] = "Too many assets here: showing thinned vector tiles; zoom in for single assets",
        [Text.ShowingDensity] = "thinned",
        [Text.ResidentIntro] = "Find services near you: click the map to see your community and grid cell, or press Near me.",
        [Text.PlannerIntro] = "Planner view: where the assets of each kind are.",
        [Text.GridManagerIntro] = "Grid manager view: grid cell boundaries and the assets in them.",
        [Text.LaterIssue] = "Coverage analysis and dispatch arrive in later releases.",
        [Text.MenuToggle] = "Panel",
        [Text.StatusOnline] = "online",
        [Text.StatusOffline] = "offline",
        [Text.StatusMaintenance] = "maintenance",
        [Text.StatusPlanned] = "planned",
        [Text.Clear] = "Clear",
        [Text.Code] = "Code",
        [Text.Kind] = "Kind",
        [Text.ClickHint] = "Click anywhere on the map to see its community and grid cell",
        [Text.SensitiveHidden] = "Cameras and sensors are shown to staff only",
    };

    /// <summary>Labels of the kind-specific attribute fields (the snake_case JSON names).</summary>
    public static readonly IReadOnlyDictionary<string, (string Zh, string En)> Fields = new Dictionary<string, (string, string)>
    {
        ["ssid"] = ("SSID", "SSID"),
        ["coverage_radius_m"] = ("覆盖半径（米）", "Coverage radius (m)"),
        ["bandwidth_mbps"] = ("带宽（Mbps）", "Bandwidth (Mbps)"),
        ["size_inches"] = ("尺寸（英寸）", "Size (inches)"),
        ["can_show_warnings"] = ("可发布预警", "Can show warnings"),
        ["accessible"] = ("无障碍", "Accessible"),
        ["services"] = ("服务内容", "Services"),
        ["operator"] = ("运营方", "Operator"),
        ["payment_types"] = ("缴费类型", "Payment types"),
        ["camera_type"] = ("摄像头类型", "Camera type"),
        ["heading_deg"] = ("朝向（度）", "Heading (°)"),
        ["fov_deg"] = ("视角（度）", "Field of view (°)"),
        ["range_m"] = ("范围（米）", "Range (m)"),
        ["sensor_type"] = ("传感器类型", "Sensor type"),
        ["alarm_threshold"] = ("报警阈值", "Alarm threshold"),
        ["last_heartbeat"] = ("最近心跳", "Last heartbeat"),
        ["smart_parking"] = ("智慧停车", "Smart parking"),
        ["parking_spaces"] = ("车位数", "Parking spaces"),
        ["opening_hours"] = ("营业时间", "Opening hours"),
        ["area_m2"] = ("面积（平方米）", "Area (m²)"),
        ["delivers"] = ("配送", "Delivers"),
        ["category"] = ("生活要素", "Life element"),
        ["shop_type"] = ("店铺类型", "Shop type"),
        ["capacity"] = ("容纳人数", "Capacity"),
        ["facility_type"] = ("设施类型", "Facility type"),
        ["households"] = ("户数", "Households"),
        ["residents"] = ("居民数", "Residents"),
        ["floors"] = ("楼层", "Floors"),
    };
}

/// <summary>The language of one circuit (scoped). Components re-render on <see cref="Changed"/>.</summary>
public sealed class UiLanguage
{
    public Lang Current { get; private set; } = Lang.Zh;

    public event Action? Changed;

    public string this[Text key] => (Current == Lang.Zh ? UiText.Zh : UiText.En)[key];

    public string HtmlLang => Current == Lang.Zh ? "zh-CN" : "en";

    public string Field(string name) => UiText.Fields.TryGetValue(name, out var l) ? (Current == Lang.Zh ? l.Zh : l.En) : name;

    public string KindName(Core.Domain.AssetKind kind) => Current == Lang.Zh ? Core.Domain.AssetKinds.NameZh(kind) : Core.Domain.AssetKinds.NameEn(kind);

    public string StatusName(Core.Domain.AssetStatus s) => this[s switch
    {
        Core.Domain.AssetStatus.Online => Text.StatusOnline,
        Core.Domain.AssetStatus.Offline => Text.StatusOffline,
        Core.Domain.AssetStatus.Maintenance => Text.StatusMaintenance,
        _ => Text.StatusPlanned,
    }];

    public void Set(Lang lang)
    {
        if (lang == Current) return;
        Current = lang;
        Changed?.Invoke();
    }
}
