using System.Globalization;

namespace Geo.Core.Walking;

/// <summary>A route step as a sentence: "向东沿示范一街步行 120 米", "左转进入运河大街，步行 80 米", "到达终点" (or the same in
/// English). One wording for the API's <c>text</c> and the map's step list.</summary>
public static class RouteStepText
{
    public static string Describe(RouteStep step, bool english)
    {
        var m = Math.Max(1, Math.Round(step.Meters)).ToString("0", CultureInfo.InvariantCulture);
        var street = step.Street;
        if (english)
        {
            return step.Turn switch
            {
                "arrive" => "Arrive at the destination",
                "depart" => street is null ? $"Head {Compass(step.Bearing, true)}, walk {m} m" : $"Head {Compass(step.Bearing, true)} on {street}, walk {m} m",
                _ => street is null ? $"{TurnEn(step.Turn)}, walk {m} m" : $"{TurnEn(step.Turn)} onto {street}, walk {m} m",
            };
        }
        return step.Turn switch
        {
            "arrive" => "到达终点",
            "depart" => street is null ? $"向{Compass(step.Bearing, false)}步行 {m} 米" : $"向{Compass(step.Bearing, false)}沿{street}步行 {m} 米",
            _ => street is null ? $"{TurnZh(step.Turn)}，步行 {m} 米" : $"{TurnZh(step.Turn)}进入{street}，步行 {m} 米",
        };
    }

    private static string TurnZh(string turn) => turn switch
    {
        "straight" => "直行",
        "slight_left" => "向左前方",
        "left" => "左转",
        "sharp_left" => "向左后方",
        "slight_right" => "向右前方",
        "right" => "右转",
        "sharp_right" => "向右后方",
        _ => "掉头",
    };

    private static string TurnEn(string turn) => turn switch
    {
        "straight" => "Continue straight",
        "slight_left" => "Bear left",
        "left" => "Turn left",
        "sharp_left" => "Turn sharp left",
        "slight_right" => "Bear right",
        "right" => "Turn right",
        "sharp_right" => "Turn sharp right",
        _ => "Make a U-turn",
    };

    private static string Compass(int bearing, bool english)
    {
        var i = (int)Math.Round(((bearing % 360) + 360) % 360 / 45.0) % 8;
        return english ? ((string[])["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"])[i]
            : ((string[])["北", "东北", "东", "东南", "南", "西南", "西", "西北"])[i];
    }
}
