using Geo.Core.Domain;
using NetTopologySuite.Geometries;

namespace Geo.Ingest.Generation;

/// <summary>How built-up a community is; decides densities of people and assets.</summary>
internal enum Density
{
    /// <summary>社区 of the 11 街道: the urban core around the old town and the sub-centre.</summary>
    Urban,
    /// <summary>社区 of a 镇/乡: town centres.</summary>
    Town,
    /// <summary>村</summary>
    Village,
}

/// <summary>One region laid out by the generator, before it has a database id.
/// <see cref="ParentIndex"/> points into the list of the level above.</summary>
internal sealed class LayoutRegion
{
    public required RegionLevel Level { get; init; }
    public required string Code { get; init; }
    public required string Name { get; init; }
    public string? UnitType { get; init; }
    public required MultiPolygon Geom { get; set; }
    public int ParentIndex { get; init; } = -1;
    public Density Density { get; init; }
    public bool Pilot { get; set; }
    public string? GridManager { get; init; }
    public string? GridManagerPhone { get; init; }
    public int Population { get; set; }
    public int Population60Plus { get; set; }
}

/// <summary>The synthetic region hierarchy inside the real outline. It depends on the seed only, never on
/// the scale: benchmarks at any scale share the regions of the demo data set.</summary>
internal sealed class Layout
{
    public required MultiPolygon District { get; init; }
    public required IReadOnlyList<LayoutRegion> Subdistricts { get; init; }
    public required IReadOnlyList<LayoutRegion> Communities { get; init; }
    public required IReadOnlyList<LayoutRegion> Cells { get; init; }
    /// <summary>The cells of each community (indexes into <see cref="Cells"/>), in serial order.</summary>
    public required IReadOnlyList<int[]> CellsOfCommunity { get; init; }
}
