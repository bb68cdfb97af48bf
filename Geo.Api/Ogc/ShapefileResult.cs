using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Dbf.Fields;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;

namespace Geo.Api.Ogc;

/// <summary>A zipped Shapefile export: .shp/.shx/.dbf/.prj (WGS84) and .cpg (UTF-8) per geometry family, since
/// one shapefile holds one shape type (points, multipoints, lines, polygons): a mixed result becomes one
/// shapefile per type, suffixed _point, _polygon, ... DBF field names are at most 10 characters
/// (<see cref="FieldNames"/>). The .shp header holds totals written last, so the parts go to a temporary
/// directory first; the zip is then streamed from disk, never held in memory.</summary>
public sealed class ShapefileResult(FeatureReader rows, IReadOnlyList<Queryable> columns, string name) : IResult
{
    /// <summary>ESRI's WKT for WGS84 lon/lat, which ArcGIS, QGIS and GDAL all recognise as EPSG:4326.</summary>
    public const string Wgs84Prj =
        "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

    public async Task ExecuteAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var dir = Directory.CreateTempSubdirectory("geo-shp-");
        try
        {
            var names = FieldNames(["id", .. columns.Select(c => c.Name)]);
            var writers = new Dictionary<ShapeType, (ShapefileWriter Writer, string Path)>();
            try
            {
                while (rows.HasRow)
                {
                    var r = rows.Reader;
                    var g = r.GetFieldValue<Geometry>(0);
                    var type = Family(g);
                    if (!writers.TryGetValue(type, out var w))
                    {
                        var path = Path.Combine(dir.FullName, $"{name}_{type.ToString().ToLowerInvariant()}");
                        var options = new ShapefileWriterOptions(type, Fields(names, columns)) { Encoding = Encoding.UTF8, Projection = Wgs84Prj };
                        w = (Shapefile.OpenWrite(path, options), path);
                        writers[type] = w;
                    }
                    var f = w.Writer.Fields;
                    f[0].Value = r.GetInt64(1);
                    for (var i = 0; i < columns.Count; i++)
                    {
                        f[i + 1].Value = r.IsDBNull(i + 2) ? null : Value(columns[i].Type, r.GetString(i + 2));
                    }
                    w.Writer.Geometry = g;
                    w.Writer.Write();
                    await rows.NextAsync(ct);
                }
            }
            finally
            {
                foreach (var (w, _) in writers.Values) w.Dispose();
            }
            if (writers.Count == 0)
            {
                // an empty result is still a valid (empty) point shapefile, so clients need no special case
                var path = Path.Combine(dir.FullName, $"{name}_point");
                using var w = Shapefile.OpenWrite(path, new ShapefileWriterOptions(ShapeType.Point, Fields(names, columns)) { Encoding = Encoding.UTF8, Projection = Wgs84Prj });
                writers[ShapeType.Point] = (w, path);
            }

            var zipPath = Path.Combine(dir.FullName, name + ".zip");
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                foreach (var (_, path) in writers.Values)
                {
                    var entry = writers.Count == 1 ? name : Path.GetFileName(path);
                    foreach (var ext in new[] { ".shp", ".shx", ".dbf", ".prj" })
                    {
                        if (File.Exists(path + ext)) zip.CreateEntryFromFile(path + ext, entry + ext, CompressionLevel.Fastest);
                    }
                    if (!File.Exists(path + ".prj")) WriteEntry(zip, entry + ".prj", Wgs84Prj);
                    WriteEntry(zip, entry + ".cpg", "UTF-8");
                }
            }
            http.Response.ContentType = "application/zip";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.zip\"";
            await http.Response.SendFileAsync(zipPath, ct);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { /* a temp directory; the OS cleans up */ }
        }
    }

    private static void WriteEntry(ZipArchive zip, string entryName, string text)
    {
        using var s = zip.CreateEntry(entryName, CompressionLevel.Fastest).Open();
        s.Write(Encoding.ASCII.GetBytes(text));
    }

    private static ShapeType Family(Geometry g) => g switch
    {
        Point => ShapeType.Point,
        MultiPoint => ShapeType.MultiPoint,
        LineString or MultiLineString => ShapeType.PolyLine,
        Polygon or MultiPolygon => ShapeType.Polygon,
        _ => throw new NotSupportedException($"a {g.GeometryType} cannot be written to a shapefile"),
    };

    private static DbfField[] Fields(IReadOnlyList<string> names, IReadOnlyList<Queryable> columns)
    {
        var list = new List<DbfField>();
        list.AddNumericInt64Field(names[0]);
        for (var i = 0; i < columns.Count; i++)
        {
            var n = names[i + 1];
            switch (columns[i].Type)
            {
                case QType.Integer: list.AddNumericInt64Field(n); break;
                case QType.Number: list.AddNumericDoubleField(n); break;
                case QType.Boolean: list.AddLogicalField(n); break;
                default: list.AddCharacterField(n, 254); break; // strings and ISO timestamps (a DBF date has no time)
            }
        }
        return [.. list];
    }

    private static object? Value(QType type, string text) => type switch
    {
        QType.Integer => long.Parse(text, CultureInfo.InvariantCulture),
        QType.Number => double.Parse(text, CultureInfo.InvariantCulture),
        QType.Boolean => text == "true",
        _ => text,
    };

    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["external_id"] = "ext_id",
        ["community_id"] = "comm_id",
        ["grid_cell_id"] = "cell_id",
        ["created_at"] = "created",
        ["updated_at"] = "updated",
        ["grid_manager"] = "grid_mgr",
        ["grid_manager_phone"] = "mgr_phone",
        ["population_60_plus"] = "pop_60plus",
    };

    /// <summary>DBF names are at most 10 characters: known long names get readable abbreviations, others are cut
    /// to 10, and a clash gets a numeric suffix (name_1, ...). Deterministic, so exports of the same collection agree.</summary>
    public static IReadOnlyList<string> FieldNames(IReadOnlyList<string> names)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        foreach (var n in names)
        {
            var s = Abbreviations.TryGetValue(n, out var a) ? a : n.Length <= 10 ? n : n[..10];
            var candidate = s;
            for (var i = 1; !used.Add(candidate); i++)
            {
                var suffix = "_" + i.ToString(CultureInfo.InvariantCulture);
                candidate = s[..Math.Min(s.Length, 10 - suffix.Length)] + suffix;
            }
            result.Add(candidate);
        }
        return result;
    }
}
