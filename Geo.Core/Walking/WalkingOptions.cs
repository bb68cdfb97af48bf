using System.Globalization;

namespace Geo.Core.Walking;

/// <summary>Bound from <c>Walking</c> (appsettings or <c>Walking__Profiles__elderly=2.8</c>) once, validated at
/// start: the speeds every walking answer uses (isochrones, reach, coverage by walking time, the life-circle
/// job). The defaults are the ones the district plan assumes.</summary>
public sealed class WalkingOptions
{
    public const string Section = "Walking";

    /// <summary>The plan's adult pace; also the reference speed of the stored <c>walk_edges.cost_s</c>.</summary>
    public const double AdultKmh = 4.5;
    public const double ElderlyKmh = 3.0;

    /// <summary>Profile name → speed in km/h; "adult" and "elderly" must exist.</summary>
    public Dictionary<string, double> Profiles { get; set; } = new(StringComparer.OrdinalIgnoreCase) { ["adult"] = AdultKmh, ["elderly"] = ElderlyKmh };

    /// <summary>Half-width of the corridor drawn around reached streets in isochrone polygons, metres.</summary>
    public double CorridorM { get; set; } = 40;

    public WalkingProfile Adult => Profile("adult")!;
    public WalkingProfile Elderly => Profile("elderly")!;

    public WalkingProfile? Profile(string? name) =>
        name is not null && Profiles.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } p
            ? new WalkingProfile(p.Key.ToLowerInvariant(), p.Value) : null;

    /// <summary>Every problem with the configuration, empty when it is usable.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var required in new[] { "adult", "elderly" })
            if (Profile(required) is null) yield return $"Walking:Profiles:{required} is missing";
        foreach (var (name, kmh) in Profiles)
            if (!double.IsFinite(kmh) || kmh is < 0.5 or > 10)
                yield return $"Walking:Profiles:{name} = {kmh.ToString(CultureInfo.InvariantCulture)} km/h is not a walking speed (0.5–10)";
        if (!double.IsFinite(CorridorM) || CorridorM is < 1 or > 500) yield return "Walking:CorridorM must be in [1, 500] metres";
    }
}
