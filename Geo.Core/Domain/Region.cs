using System.Text.Json.Serialization;
using NetTopologySuite.Geometries;

namespace Geo.Core.Domain;

[JsonConverter(typeof(JsonStringEnumConverter<RegionLevel>))]
public enum RegionLevel
{
    /// <summary>区</summary>
    District = 0,
    /// <summary>街道 / 镇 / 乡</summary>
    Subdistrict = 1,
    /// <summary>社区 / 村</summary>
    Community = 2,
    /// <summary>网格</summary>
    GridCell = 3,
}

/// <summary>One node of the administrative hierarchy district → subdistrict/town → community → grid cell.</summary>
public sealed class Region
{
    public long Id { get; set; }
    public RegionLevel Level { get; set; }

    /// <summary>Official statistical division code where one exists (district 110112, towns 9 digits,
    /// communities 12 digits); grid cells carry a derived code (community code + 3-digit serial).</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    public long? ParentId { get; set; }

    /// <summary>For subdistrict level: 街道, 镇 or 乡; for community level: 社区 or 村.</summary>
    public string? UnitType { get; set; }

    public required MultiPolygon Geom { get; set; }
    public int Population { get; set; }
    public int Population60Plus { get; set; }

    /// <summary>Grid cells only: the responsible grid manager (网格员).</summary>
    public string? GridManager { get; set; }
    public string? GridManagerPhone { get; set; }

    /// <summary>Pilot community of the 2013 smart-community programme.</summary>
    public bool Pilot { get; set; }
    public bool Synthetic { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class RegionLevels
{
    public static string Code(this RegionLevel level) => level switch
    {
        RegionLevel.District => "district",
        RegionLevel.Subdistrict => "subdistrict",
        RegionLevel.Community => "community",
        RegionLevel.GridCell => "grid_cell",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static bool TryParse(string? code, out RegionLevel level)
    {
        foreach (var l in Enum.GetValues<RegionLevel>())
        {
            if (string.Equals(l.Code(), code, StringComparison.OrdinalIgnoreCase)) { level = l; return true; }
        }
        level = default;
        return false;
    }
}
