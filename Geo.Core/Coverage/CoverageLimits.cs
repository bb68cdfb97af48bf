using System.Globalization;
using Geo.Core.Common;

namespace Geo.Core.Coverage;

/// <summary>The bounds of coverage questions, next to the code that relies on them: the API validates its
/// input with these and <see cref="CoverageInputs"/> sizes its search margin from them, so the two cannot
/// drift apart.</summary>
public static class CoverageLimits
{
    /// <summary>A straight-line reach of one asset (a shelter's 1.5 km, a service station's 1 km, a drawn radius).</summary>
    public const double MaxRadiusM = 5000;

    /// <summary>A radius stored on an asset (Wi-Fi coverage_radius_m): what the attribute's validation allows.</summary>
    public const double MaxAttributeRadiusM = 2000;

    /// <summary>Site suggestion: new sites per question and candidate sites considered.</summary>
    public const int MaxSuggestK = 200;
    public const int MaxCandidates = 100_000;
    public const int MaxCandidatePoints = 10_000;

    /// <summary>Vertices of a drawn polygon.</summary>
    public const int MaxPolygonVertices = 10_000;

    /// <summary>Walking-time reach, minutes.</summary>
    public const double MaxWalkMinutes = 30;

    /// <summary>Shelter analysis threshold, metres.</summary>
    public const double MaxShelterThresholdM = 10_000;

    public static void CheckRadius(string parameter, double metres)
    {
        if (!double.IsFinite(metres) || metres <= 0 || metres > MaxRadiusM)
            throw GeoException.BadInput(parameter, $"must be in (0, {MaxRadiusM.ToString(CultureInfo.InvariantCulture)}] metres");
    }

    /// <summary>Degrees of longitude (the shorter degree at Tongzhou's northern edge, 40.2°N) that are at least
    /// <paramref name="metres"/> long, plus 10 %: an envelope expanded by this contains every disk of that radius.</summary>
    public static double MarginDegrees(double metres) => metres / (111_320 * Math.Cos(40.2 * Math.PI / 180)) * 1.1 + 1e-6;
}
