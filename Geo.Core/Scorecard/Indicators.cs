namespace Geo.Core.Scorecard;

public enum IndicatorKind { Binding, Expected }

/// <summary>How an indicator gets its value: computed from the platform's data by a documented rule,
/// or recorded by an admin with evidence and a date (organisational indicators).</summary>
public enum IndicatorSource { Computed, Recorded }

public sealed record Indicator(
    string Id, string Group1Zh, string Group1En, string Group2Zh, string Group2En,
    string TextZh, string TextEn, IndicatorKind Kind, IndicatorSource Source, string? Rule);

/// <summary>The 32 indicators of 通州区智慧社区建设指导标准（试行）, as data (../shared/seed). Chinese text as in
/// the standard; English from the project's summary. <see cref="Indicator.Rule"/> documents the computed ones.</summary>
public static class Indicators
{
    private const string G1Zh = "智慧社区基础设施建设", G1En = "Infrastructure";
    private const string G2Zh = "智慧社区服务建设", G2En = "Services";
    private const string G3Zh = "智慧社区管理", G3En = "Management";
    private const string G4Zh = "保障措施", G4En = "Safeguards";
    private const string G5Zh = "评估机制", G5En = "Evaluation";
    private const IndicatorKind B = IndicatorKind.Binding, E = IndicatorKind.Expected;
    private const IndicatorSource C = IndicatorSource.Computed, R = IndicatorSource.Recorded;

    public static IReadOnlyList<Indicator> All { get; } =
    [
        new("1.1.1", G1Zh, G1En, "网络设施", "Network", "无线网络在城区实现全覆盖。", "Wireless network covers the whole urban area.", B, C,
            "Wi-Fi disks (each hotspot's coverage radius, online hotspots) cover ≥ 90% of the community's area (value: covered share)."),
        new("1.1.2", G1Zh, G1En, "网络设施", "Network", "数字地理通州在城区实现全覆盖。", "Digital Geographic Tongzhou covers the whole urban area.", B, C,
            "Grid cells cover ≥ 99% of the community's area and its residential buildings are registered (value: grid-cell area share)."),
        new("1.1.3", G1Zh, G1En, "网络设施", "Network", "社区网站在城市社区实现全覆盖。", "Every urban community has a community website.", B, R, null),
        new("1.1.4", G1Zh, G1En, "网络设施", "Network", "结合各社区实际，因地制宜，积极探索和丰富物联网、云计算在社区的应用。", "Explore IoT and cloud computing in communities.", E, C,
            "At least one online IoT sensor in the community (value: online sensors)."),
        new("1.2.1", G1Zh, G1En, "硬件设施", "Hardware", "每个社区配有电子显示屏。", "Every community has an electronic display screen.", B, C,
            "At least one display screen not planned (value: count)."),
        new("1.2.2", G1Zh, G1En, "硬件设施", "Hardware", "社区办公电脑配置原则上每人1台。", "One office PC per community staff member.", B, R, null),
        new("1.2.3", G1Zh, G1En, "硬件设施", "Hardware", "每个社区配有一定数量的用于辖区居民上网和培训的电脑。", "Each community has PCs for residents' internet access and training.", B, C,
            "Proxy: at least one community service station (where resident PCs are provided) in the community (value: count)."),
        new("2.1.1", G2Zh, G2En, "社区信息服务", "Community information", "整合“一刻钟社区服务圈”和社区服务信息，加强数据的采集和更新。", "Integrate the 15-minute service circle and community service data; keep collecting and updating it.", B, C,
            "Services of all seven life elements (吃住行游购娱健) within 1.2 km (15 min at 4.5 km/h, straight line) of the community's population centre, each updated within 365 days (value: elements present / 7). Once a life-circle run exists: elements reached within 15 minutes' walk on the network by at least half of the residents (the evidence names the run)."),
        new("2.1.2", G2Zh, G2En, "社区信息服务", "Community information", "拓展社区网站功能，整合“数字地理通州”资源，为居民提供日常便民生活信息搜索服务。", "Community website searches daily-life information using Digital Geographic Tongzhou.", B, R, null),
        new("2.1.3", G2Zh, G2En, "社区信息服务", "Community information", "整合“社区小菜园”和“一刻钟社区服务圈”资源，探索建立社区生活服务配送体系，为老年人、残障人提供急需的日常生活服务。", "Delivery system from vegetable gardens and the 15-minute circle for elderly and disabled people.", B, C,
            "With delivery providers registered (/api/deliveries) and households in the quick-help registry: at least 90% of them with an active provider within 15 minutes' walk at the elderly pace (3 km/h) on the walking network (value: share). Before any provider is registered: a vegetable garden that delivers within 3 km of the community's population centre (value: distance in metres to the nearest)."),
        new("2.1.4", G2Zh, G2En, "社区信息服务", "Community information", "依托社区服务站，为居家养老人员特别的独居老人、重度残疾人提供快捷便捷服务。", "Service stations give quick services to elderly people living alone and severely disabled people.", B, C,
            "With households in the quick-help registry: at least 90% of them within 15 minutes' walk at the elderly pace (3 km/h) of a service station on the walking network (value: share). Without a registry: at least one service station in the community (value: count)."),
        new("2.2.1", G2Zh, G2En, "公共信息服务", "Public information", "整合现有政务门户网站，形成区、街道（有关乡镇）、社区三级政务服务网站群。", "Three-level (district, subdistrict/town, community) government service website group.", B, R, null),
        new("2.2.2", G2Zh, G2En, "公共信息服务", "Public information", "让居民在社区享受到“一站式、互动式、高效率”的在线办事服务。", "One-stop, interactive, efficient online services.", E, R, null),
        new("2.2.3", G2Zh, G2En, "公共信息服务", "Public information", "构建面向全体居民的学习网络和服务平台，大力发展远程教育和网上学习交流园地。", "Learning network and distance education for all residents.", B, R, null),
        new("2.2.4", G2Zh, G2En, "公共信息服务", "Public information", "探索建立社区居民电子健康档案和电子病历，让社区居民能享受到网上预约挂号服务。", "Electronic health records and online appointment booking.", E, R, null),
        new("2.2.5", G2Zh, G2En, "公共信息服务", "Public information", "逐步推进人力资源市场信息系统向社区扩展，为居民提供职业介绍等服务项目。", "Job-market information services reach the community.", E, R, null),
        new("2.3.1", G2Zh, G2En, "便民服务终端", "Convenience terminals", "根据社区规模，安装便民缴费终端。", "Payment terminals installed according to community size.", B, C,
            "At least ceil(residents / 3,000) payment terminals, minimum 1 (value: installed / required)."),
        new("2.3.2", G2Zh, G2En, "便民服务终端", "Convenience terminals", "积极探索在电视或报纸上开设智慧社区专区。", "Smart-community sections on TV or in newspapers.", B, R, null),
        new("2.3.3", G2Zh, G2En, "便民服务终端", "Convenience terminals", "为社区60岁以上老年人、残疾人、病患人群开发配备触摸式“一键通”终端机。", "Touch one-key kiosks for residents over 60, disabled and ill people.", B, C,
            "At least ceil(residents aged 60+ / 1,000) one-key kiosks, minimum 1 (value: installed / required)."),
        new("3.1.1", G3Zh, G3En, "网格化管理服务", "Grid management", "充分利用网格化社会服务管理系统，建立综合式、集成式、共享式的智慧社区数据功能模块，对社区服务资源信息全面采集、动态管理、及时发布。", "Grid management system: integrated, shared data modules; full collection, dynamic management, timely publishing.", B, C,
            "Every grid cell of the community has a grid manager (value: share of cells with one)."),
        new("3.2.1", G3Zh, G3En, "安全管理服务", "Safety management", "积极协调有关部门，在社区安装可视对讲、安保监控、门禁等安全技防设备。", "Video intercom, surveillance and access-control equipment.", E, C,
            "Surveillance cameras and video-intercom or access-control devices present (value: camera types present / 3)."),
        new("3.2.2", G3Zh, G3En, "安全管理服务", "Safety management", "在有条件的社区，积极探索车辆智能化管理。", "Smart vehicle management where conditions allow.", B, C,
            "At least one vehicle gate / smart parking installation (value: count)."),
        new("3.2.3", G3Zh, G3En, "安全管理服务", "Safety management", "利用社区电子显示屏，为居民实时提供极端天气预警、应急避难场所、民防设施位置。", "Screens publish real-time extreme-weather warnings, emergency shelters, civil-defence facilities.", B, C,
            "A warning-capable screen in the community and ≥ 80% of residents within 1.5 km of an emergency shelter (value: residents' share within reach)."),
        new("3.3.1", G3Zh, G3En, "安居管理服务", "Home safety", "积极探索在居民楼、商务楼宇安装烟雾火灾报警设备，能识别火灾与消防系统联动。", "Smoke/fire alarms in residential and office buildings, linked to the fire system.", E, C,
            "Smoke detectors ≥ residential buildings (value: smoke detectors per residential building)."),
        new("3.3.2", G3Zh, G3En, "安居管理服务", "Home safety", "积极探索在居民楼、商务楼宇安装燃气报警设备。积极探索水、电、气的远程抄表。", "Gas alarms; remote reading of water, electricity and gas meters.", E, C,
            "At least one gas detector and one remote meter (value: kinds present / 2)."),
        new("3.3.3", G3Zh, G3En, "安居管理服务", "Home safety", "积极探索智能家电控制。积极探索有毒有害气体检测预警。", "Smart appliance control; toxic and harmful gas detection and warning.", E, C,
            "At least one toxic-gas detector (value: count)."),
        new("4.1", G4Zh, G4En, "组织保障", "Organisation", "建立以区社会办、区信息化主管部门、区民政部门等共同牵头的智慧社区协调机构。", "Coordinating body (district social office, informatisation office, civil affairs).", B, R, null),
        new("4.2", G4Zh, G4En, "资金保障", "Funding", "智慧社区建设所需经费列入年度财政预算，并建立动态保障机制和多方投入机制。", "Funding in the annual budget; multi-party investment.", B, R, null),
        new("4.3", G4Zh, G4En, "人才保障", "Staff", "社区应明确1名工作人员负责智慧社区的建设工作。", "One named staff member per community responsible for the work.", B, R, null),
        new("4.4", G4Zh, G4En, "加强宣传", "Publicity", "认真抓好智慧社区建设宣传和普及工作。", "Publicity and popularisation.", B, R, null),
        new("5.1", G5Zh, G5En, "评估主体", "Evaluators", "由社区居民、专家、新闻媒体等有方面人员，按照智慧社区建设标准进行考评。", "Evaluated by residents, experts and media against the standard.", B, R, null),
        new("5.2", G5Zh, G5En, "评估内容", "Evaluation content", "主要分为协同度、便利度、安全度和感知度四个方面考评。", "Evaluation along four dimensions: coordination, convenience, safety, perception.", B, C,
            "All four dimension scores can be computed for the community (perception needs at least one resident survey) (value: dimensions available / 4)."),
    ];

    public static Indicator? Find(string id) => All.FirstOrDefault(i => i.Id == id);
}
