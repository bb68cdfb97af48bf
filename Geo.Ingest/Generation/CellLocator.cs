using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace Geo.Ingest.Generation;

/// <summary>Finds the grid cell whose interior holds a point: an STRtree over cell envelopes, then an
/// indexed point-in-polygon test. Assigning regions here instead of in the database trigger keeps a
/// million-row load fast.</summary>
internal sealed class CellLocator
{
    private readonly IReadOnlyList<LayoutRegion> _cells;
    private readonly STRtree<int> _tree = new();
    private readonly IPointOnGeometryLocator?[] _locators;

    public CellLocator(IReadOnlyList<LayoutRegion> cells)
    {
        _cells = cells;
        _locators = new IPointOnGeometryLocator?[cells.Count];
        for (var i = 0; i < cells.Count; i++) _tree.Insert(cells[i].Geom.EnvelopeInternal, i);
        _tree.Build();
    }

    /// <summary>The cell containing <paramref name="c"/> strictly inside (so PostGIS ST_Contains agrees), or -1
    /// for a point outside every cell or exactly on a cell boundary.</summary>
    public int Locate(Coordinate c)
    {
        foreach (var i in _tree.Query(new Envelope(c)))
        {
            var locator = _locators[i] ??= new IndexedPointInAreaLocator(_cells[i].Geom);
            if (locator.Locate(c) == Location.Interior) return i;
        }
        return -1;
    }
}
