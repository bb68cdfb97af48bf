using System.Security.Claims;
using Geo.Core.Access;

namespace Geo.Core.Scorecard;

/// <summary>What an anonymous or resident reader may see of the scorecard. The values of
/// the indicators computed from cameras and sensors are counts or per-building ratios of a sensitive layer
/// (how many smoke, gas or toxic-gas detectors and online sensors a community has, which camera types): they
/// would reveal per community what the map hides. Staff see them; everyone else sees whether the indicator
/// passed, with the value left out. The dimensions are means over many indicators and stay.</summary>
public static class ScorecardRedaction
{
    /// <summary>Indicators whose value is derived from camera or sensor rows.</summary>
    public static IReadOnlySet<string> SensitiveValues { get; } = new HashSet<string> { "1.1.4", "3.2.1", "3.3.1", "3.3.2", "3.3.3" };

    public static RegionScore For(ClaimsPrincipal? user, RegionScore score) =>
        GeoClaims.IsStaff(user) ? score : score with
        {
            Indicators = score.Indicators.Select(i => SensitiveValues.Contains(i.Id) ? i with { Value = null } : i).ToList(),
        };
}
