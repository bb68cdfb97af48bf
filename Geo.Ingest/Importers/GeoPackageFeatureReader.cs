using Geo.Core.Crs;
using Geo.Core.Spatial;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace Geo.Ingest.Importers;

/// <summary>One feature table of an OGC GeoPackage (SQLite). The table's srs_id gives the declared CRS.</summary>
public sealed class GeoPackageFeatureReader : IFeatureReader
{
    private readonly SqliteConnection _conn;
    private readonly string _table;
    private readonly string _geomColumn;
    private readonly long _count;
    private long _read;

    static GeoPackageFeatureReader() => SQLitePCL.Batteries_V2.Init();

    public GeoPackageFeatureReader(string path, string? layer)
    {
        _conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        _conn.Open();
        var layers = new List<(string Table, string Column, long Srs)>();
        try
        {
            using var cmd = _conn.CreateCommand();
            cmd.CommandText = """
                SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c
                JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
                WHERE c.data_type = 'features' ORDER BY c.table_name
                """;
            using var r = cmd.ExecuteReader();
            while (r.Read()) layers.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        }
        catch (SqliteException e)
        {
            _conn.Dispose();
            throw new ImportException($"not a GeoPackage ({e.Message})");
        }
        var names = string.Join(", ", layers.Select(l => l.Table));
        var chosen = layer is not null
            ? layers.FirstOrDefault(l => string.Equals(l.Table, layer, StringComparison.OrdinalIgnoreCase))
            : layers.Count == 1 ? layers[0] : default;
        if (chosen.Table is null)
        {
            _conn.Dispose();
            throw new ImportException(layers.Count == 0 ? "the GeoPackage has no feature table"
                : layer is null ? $"the GeoPackage has {layers.Count} feature tables ({names}): choose one with --layer"
                : $"no feature table '{layer}' (tables: {names})");
        }
        (_table, _geomColumn) = (chosen.Table, chosen.Column);
        DeclaredCrs = SrsCode(chosen.Srs);
        _count = Scalar($"SELECT count(*) FROM {Quote(_table)}");
    }

    public string Unit => "record";
    public string? DeclaredCrs { get; }
    public double Progress => _count == 0 ? 1 : (double)_read / _count;

    public IEnumerable<SourceFeature> Read()
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = $"SELECT * FROM {Quote(_table)}";
        using var r = cmd.ExecuteReader();
        var geomOrdinal = r.GetOrdinal(_geomColumn);
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < r.FieldCount; i++)
        {
            if (i != geomOrdinal) index.TryAdd(r.GetName(i), i);
        }
        var geoReader = new GeoPackageGeoReader(GeoFactory.Services.CreateGeometryFactory().CoordinateSequenceFactory, GeoFactory.Wgs84.PrecisionModel);
        while (r.Read())
        {
            _read++;
            var values = new object?[r.FieldCount];
            for (var i = 0; i < r.FieldCount; i++)
            {
                if (i != geomOrdinal) values[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            }
            var props = new RowProperties(index, values);
            if (r.IsDBNull(geomOrdinal))
            {
                yield return new SourceFeature(_read, null, props, "record has no geometry");
                continue;
            }
            NetTopologySuite.Geometries.Geometry? g;
            string? error = null;
            try
            {
                g = geoReader.Read((byte[])r.GetValue(geomOrdinal));
            }
            catch (Exception e) when (e is ParseException or ArgumentException or IOException or InvalidOperationException)
            {
                g = null;
                error = $"unreadable geometry blob ({e.Message})";
            }
            yield return g is null || g.IsEmpty
                ? new SourceFeature(_read, null, props, error ?? "record has an empty geometry")
                : new SourceFeature(_read, g, props);
        }
    }

    private string? SrsCode(long srsId)
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = $id";
        cmd.Parameters.AddWithValue("$id", srsId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return string.Equals(r.GetString(0), "EPSG", StringComparison.OrdinalIgnoreCase) && SupportedCrs.TryParse("EPSG:" + r.GetInt64(1), out var code) ? code : null;
    }

    private long Scalar(string sql)
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // table names come from the file's own metadata; quoting still keeps odd names from breaking the SQL
    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public void Dispose() => _conn.Dispose();
}
