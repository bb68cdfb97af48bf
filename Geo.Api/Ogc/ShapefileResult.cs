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
/// directory first; the zip is then streamed from disk, never held in memory. Field widths come from the data
/// (<see cref="FieldWidths"/>): whole numbers are N(w,0) with w ≤ 9 (GDAL reads Integer) or ≤ 18 (Integer64), text
/// is as wide as its longest value in bytes. The .prj is plain ASCII (no byte-order mark: pyproj refuses one).
/// Zip entries carry a fixed timestamp, so the same data gives the same bytes (range requests, ETags).</summary>
public sealed class ShapefileResult(FeatureReader rows, IReadOnlyList<Queryable> columns, string name, IReadOnlyList<int> widths) : IResult
{
    /// <summary>The zip entries' timestamp (the earliest a zip can hold): exports are reproducible byte for byte.</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

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
                        var options = new ShapefileWriterOptions(type, Fields(names, columns, widths)) { Encoding = Encoding.UTF8 };
                        w = (Shapefile.OpenWrite(path, options), path);
                        writers[type] = w;
                    }
                    var f = w.Writer.Fields;
                    f[0].Value = Whole(f[0], r.GetInt64(1));
                    for (var i = 0; i < columns.Count; i++)
                    {
                        f[i + 1].Value = r.IsDBNull(i + 2) ? null : Value(f[i + 1], columns[i].Type, r.GetString(i + 2));
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
                using var w = Shapefile.OpenWrite(path, new ShapefileWriterOptions(ShapeType.Point, Fields(names, columns, widths)) { Encoding = Encoding.UTF8 });
                writers[ShapeType.Point] = (w, path);
            }

            var zipPath = Path.Combine(dir.FullName, name + ".zip");
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                foreach (var (_, path) in writers.Values)
                {
                    var entry = writers.Count == 1 ? name : Path.GetFileName(path);
                    foreach (var ext in new[] { ".shp", ".shx", ".dbf" })
                    {
                        if (File.Exists(path + ext)) AddFile(zip, path + ext, entry + ext);
                    }
                    WriteEntry(zip, entry + ".prj", Wgs84Prj);
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

    private static void AddFile(ZipArchive zip, string path, string entryName)
    {
        var e = zip.CreateEntry(entryName, CompressionLevel.Fastest);
        e.LastWriteTime = EntryTime;
        using var to = e.Open();
        using var from = File.OpenRead(path);
        from.CopyTo(to);
    }

    private static void WriteEntry(ZipArchive zip, string entryName, string text)
    {
        var e = zip.CreateEntry(entryName, CompressionLevel.Fastest);
        e.LastWriteTime = EntryTime;
        using var s = e.Open();
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

    /// <summary>DBF numbers are text of a fixed width: up to 9 digits GDAL reads Integer, up to 18 Integer64.</summary>
    public const int MaxInt32Width = 9, MaxInt64Width = 18, MaxTextWidth = 254;

    /// <param name="widths">Per column (id first): the longest value in characters (numbers) or UTF-8 bytes (text).</param>
    private static DbfField[] Fields(IReadOnlyList<string> names, IReadOnlyList<Queryable> columns, IReadOnlyList<int> widths)
    {
        var list = new List<DbfField> { WholeField(names[0], widths[0]) };
        for (var i = 0; i < columns.Count; i++)
        {
            var n = names[i + 1];
            var w = Math.Max(1, widths[i + 1]);
            switch (columns[i].Type)
            {
                case QType.Integer: list.Add(WholeField(n, w)); break;
                case QType.Number: list.AddNumericDoubleField(n); break;
                case QType.Boolean: list.AddLogicalField(n); break;
                default: list.Add(new DbfCharacterField(n, Math.Min(MaxTextWidth, w))); break; // strings and ISO timestamps (a DBF date has no time)
            }
        }
        return [.. list];
    }

    private static DbfField WholeField(string name, int width) => width <= MaxInt32Width
        ? new DbfNumericInt32Field(name, Math.Max(1, width))
        : new DbfNumericInt64Field(name, Math.Min(MaxInt64Width, width));

    private static object Whole(DbfField f, long v) => f is DbfNumericInt32Field ? (int)v : v;

    private static object? Value(DbfField f, QType type, string text) => type switch
    {
        QType.Integer => Whole(f, long.Parse(text, CultureInfo.InvariantCulture)),
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
