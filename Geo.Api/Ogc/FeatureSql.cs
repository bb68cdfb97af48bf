namespace Geo.Api.Ogc;

/// <summary>SQL text for a <see cref="FeaturePlan"/>. PostgreSQL writes each feature's GeoJSON itself
/// (ST_AsGeoJSON plus a jsonb of properties), so the web tier streams text instead of materialising
/// geometries: the same work the raw json_agg floor of the benchmark does.</summary>
public static class FeatureSql
{
    /// <summary>Up to this many matches, a page and numberMatched come from one scan (<see cref="CountedPage"/>).</summary>
    public const int CountCap = 10_000;

    /// <summary>Beyond <see cref="CountCap"/>, the first page (offset 0) still counts exactly, with a second query,
    /// up to this many matches (omitted beyond: never estimated). GDAL and QGIS take the layer's size from the
    /// first page; later pages of a set above <see cref="CountCap"/> omit numberMatched (except the last, where
    /// offset + numberReturned is exact) so a client paging ten at a time does not pay a full count per page.</summary>
    public const int ExactCountCap = 1_000_000;

    private const string AssetProperties =
        "(jsonb_build_object('name', t.name, 'kind', t.kind, 'status', t.status, 'source', t.source, 'external_id', t.external_id, " +
        "'community_id', t.community_id, 'grid_cell_id', t.grid_cell_id, 'created_at', t.created_at, 'updated_at', t.updated_at, " +
        "'synthetic', t.synthetic) || (t.attributes - 'kind'))";

    private const string RegionProperties =
        "jsonb_build_object('code', t.code, 'name', t.name, 'level', t.level, 'parent_id', t.parent_id, 'unit_type', t.unit_type, " +
        "'population', t.population, 'population_60_plus', t.population_60_plus, 'grid_manager', t.grid_manager, " +
        "'grid_manager_phone', t.grid_manager_phone, 'pilot', t.pilot, 'synthetic', t.synthetic, 'updated_at', t.updated_at)";

    public static string Properties(OgcCollection c, IReadOnlyList<Queryable>? selected) => selected switch
    {
        null => c.IsAssets ? AssetProperties : RegionProperties,
        { Count: 0 } => "'{}'::jsonb",
        _ => "jsonb_build_object(" + string.Join(", ", selected.Select(q => $"'{q.Name}', {q.Sql}")) + ")",
    };

    /// <summary>One text column per row: a complete GeoJSON Feature.</summary>
    public static string FeatureText(FeaturePlan p, string? extraProperties = null) =>
        "'{\"type\":\"Feature\",\"id\":' || t.id || ',\"geometry\":' || COALESCE(" + p.Crs.GeoJsonSql("t.geom") +
        ", 'null') || ',\"properties\":' || (" + Properties(p.Collection, p.Properties) + (extraProperties is null ? "" : " || " + extraProperties) + ")::text || '}'";

    /// <summary>A page: one row more than the limit, so "is there a next page" needs no count. Column 0 is a
    /// null bigint (no count), column 1 the feature, the same shape as <see cref="CountedPage"/>. OFFSET applies to
    /// the whole ordered match set, so every offset reaches its rows.</summary>
    public static string Page(FeaturePlan p) =>
        $"SELECT NULL::bigint, {FeatureText(p)} FROM {p.Collection.Table} t WHERE {p.Where} ORDER BY {p.OrderBy} LIMIT {p.Limit + 1} OFFSET {p.Offset}";

    /// <summary>A page and numberMatched from one scan: the matches (at most <see cref="CountCap"/> + 1 of them)
    /// are materialised once, counted, and the page is sorted out of them. Column 0 is the capped count; when it
    /// exceeds the cap the materialised set is an arbitrary subset, so the caller discards this result and runs
    /// <see cref="Page"/> instead. A page needs every match anyway to sort them, so the count costs a tuplestore
    /// of at most 10,001 rows instead of a second index and heap scan. Only valid for an offset up to the cap
    /// (it is used for the first page only, <see cref="UseCountedPage"/>): a larger offset would skip past the capped
    /// set and find nothing.</summary>
    public static string CountedPage(FeaturePlan p) =>
        $"WITH m AS MATERIALIZED (SELECT t.* FROM {p.Collection.Table} t WHERE {p.Where} LIMIT {CountCap + 1}) " +
        $"SELECT (SELECT count(*) FROM m), {FeatureText(p)} FROM m t ORDER BY {p.OrderBy} LIMIT {p.Limit + 1} OFFSET {p.Offset}";

    /// <summary>The first page counts in the same scan; later pages page by id (a cheap OFFSET) and count separately,
    /// up to <see cref="CountCap"/>: materialising up to 10,001 whole rows for every page of a big collection made
    /// GDAL's default ten-feature pages cost ~140 ms each.</summary>
    public static bool UseCountedPage(FeaturePlan p) => p.Offset == 0;

    /// <summary>The number of matches, at most <paramref name="cap"/> + 1 (more: numberMatched omitted).</summary>
    public static string Count(FeaturePlan p, int cap = ExactCountCap) =>
        $"SELECT count(*) FROM (SELECT 1 FROM {p.Collection.Table} t WHERE {p.Where} LIMIT {cap + 1}) m";

    public static string Single(FeaturePlan p, string idParameter) =>
        $"SELECT {FeatureText(p)} FROM {p.Collection.Table} t WHERE {p.Where} AND t.id = {idParameter}";

    /// <summary>CSV columns: the selected properties (default all scalar queryables) as text.</summary>
    public static IReadOnlyList<Queryable> CsvColumns(FeaturePlan p) =>
        p.Properties ?? p.Collection.Queryables.Where(q => q.Type != QType.Geometry && q.Name != "id").ToArray();

    /// <summary>id, lon, lat (WGS84; a point on the surface for polygons, so every row has a position), columns.</summary>
    public static string Csv(FeaturePlan p, int? limit = null) =>
        "SELECT t.id, ST_X(pt.g), ST_Y(pt.g)" + string.Concat(CsvColumns(p).Select(q => $", ({q.Sql})::text")) +
        $" FROM {p.Collection.Table} t CROSS JOIN LATERAL (SELECT CASE WHEN GeometryType(t.geom) = 'POINT' THEN t.geom ELSE ST_PointOnSurface(t.geom) END AS g) pt" +
        $" WHERE {p.Where} ORDER BY {p.OrderBy} LIMIT {limit ?? p.Limit} OFFSET {p.Offset}";

    /// <summary>geom (WGS84), id, then the CSV columns as text: the rows of a Shapefile export.</summary>
    public static string Shapefile(FeaturePlan p) =>
        "SELECT t.geom, t.id" + string.Concat(CsvColumns(p).Select(q => $", ({q.Sql})::text")) +
        $" FROM {p.Collection.Table} t WHERE {p.Where} ORDER BY {p.OrderBy} LIMIT {p.Limit} OFFSET {p.Offset}";

    /// <summary>One row: the widest value of each Shapefile column (id first) as the DBF will hold it: characters for
    /// numbers, UTF-8 bytes for text. Runs the export's own query, so the widths fit exactly the rows written.</summary>
    public static string ShapefileWidths(FeaturePlan p)
    {
        var cols = CsvColumns(p);
        return "SELECT COALESCE(max(length(s.id::text)), 1)" + string.Concat(cols.Select((q, i) => $", COALESCE(max(octet_length(s.c{i})), 1)")) +
            " FROM (SELECT t.id" + string.Concat(cols.Select((q, i) => $", ({q.Sql})::text AS c{i}")) +
            $" FROM {p.Collection.Table} t WHERE {p.Where} ORDER BY {p.OrderBy} LIMIT {p.Limit} OFFSET {p.Offset}) s";
    }
}
