using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Geo.Core.Crs;
using Geo.Core.Spatial;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;

namespace Geo.Ingest.Importers;

/// <summary>An ESRI Shapefile given as the .shp, a folder holding one, or a .zip of one. The DBF text
/// encoding comes from the .cpg (as ArcGIS and QGIS write it: UTF-8, GBK, CP936, 936...), else from
/// --encoding, else from the DBF language driver byte.</summary>
public sealed partial class ShapefileFeatureReader : IFeatureReader
{
    private readonly string? _tempDir;
    private readonly ShapefileReader _reader;
    private long _read;

    public ShapefileFeatureReader(string path, string? encoding)
    {
        var shp = path;
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            _tempDir = Directory.CreateTempSubdirectory("geo-shp-").FullName;
            ZipFile.ExtractToDirectory(path, _tempDir);
            shp = FindShp(_tempDir, path);
        }
        else if (Directory.Exists(path))
        {
            shp = FindShp(path, path);
        }
        var enc = CpgEncoding(shp) ?? (encoding is null ? null : TextEncodings.Resolve(encoding));
        _reader = Shapefile.OpenRead(shp, new ShapefileReaderOptions { Encoding = enc, Factory = GeoFactory.Wgs84 });
        DeclaredCrs = CrsOfPrj(_reader.Projection);
    }

    public string Unit => "record";
    public string? DeclaredCrs { get; }
    public double Progress => _reader.RecordCount == 0 ? 1 : (double)_read / _reader.RecordCount;

    public IEnumerable<SourceFeature> Read()
    {
        var fields = _reader.Fields;
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < fields.Count; i++) index.TryAdd(fields[i].Name, i);
        while (_reader.Read(out var deleted))
        {
            _read++;
            if (deleted) continue;
            var values = new object?[fields.Count];
            for (var i = 0; i < fields.Count; i++) values[i] = fields[i].Value is string s ? s.Trim() is { Length: > 0 } t ? t : null : fields[i].Value;
            var g = _reader.Geometry;
            yield return g is null || g.IsEmpty
                ? new SourceFeature(_read, null, new RowProperties(index, values), "record has no geometry (null shape)")
                : new SourceFeature(_read, g, new RowProperties(index, values));
        }
    }

    private static string FindShp(string dir, string given)
    {
        var found = Directory.GetFiles(dir, "*.shp", SearchOption.AllDirectories);
        return found.Length switch
        {
            1 => found[0],
            0 => throw new ImportException($"no .shp file in {given}"),
            _ => throw new ImportException($"{given} holds {found.Length} shapefiles ({string.Join(", ", found.Select(Path.GetFileName))}): import them one at a time"),
        };
    }

    private static Encoding? CpgEncoding(string shp)
    {
        var cpg = Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(shp))!, Path.GetFileNameWithoutExtension(shp) + ".*")
            .FirstOrDefault(f => f.EndsWith(".cpg", StringComparison.OrdinalIgnoreCase));
        if (cpg is null) return null;
        var name = File.ReadAllText(cpg).Trim();
        try
        {
            return name.Length == 0 ? null : TextEncodings.Resolve(name);
        }
        catch (ArgumentException)
        {
            throw new ImportException($"unknown encoding '{name}' in {Path.GetFileName(cpg)}");
        }
    }

    /// <summary>The CRSs Geo accepts, recognised from .prj WKT (ESRI or OGC flavour); null when unsure.</summary>
    internal static string? CrsOfPrj(string? wkt)
    {
        if (string.IsNullOrWhiteSpace(wkt)) return null;
        var epsg = EpsgAuthority().Matches(wkt).LastOrDefault();
        if (epsg is not null && SupportedCrs.TryParse("EPSG:" + epsg.Groups[1].Value, out var code)) return code;
        var w = wkt.ToUpperInvariant();
        if (w.StartsWith("PROJCS", StringComparison.Ordinal))
        {
            if (w.Contains("MERCATOR_AUXILIARY_SPHERE") || w.Contains("PSEUDO-MERCATOR") || w.Contains("WEB_MERCATOR")) return SupportedCrs.WebMercator;
            if (w.Contains("CGCS2000") && w.Contains("117")) return SupportedCrs.Cgcs2000Gk117;
            return null;
        }
        if (w.Contains("CGCS2000") || w.Contains("CHINA_GEODETIC_COORDINATE_SYSTEM_2000")) return SupportedCrs.Cgcs2000;
        if (w.Contains("WGS_1984") || w.Contains("WGS 84")) return SupportedCrs.Wgs84;
        return null;
    }

    // the outermost AUTHORITY of a WKT1 is the last one
    [GeneratedRegex("AUTHORITY\\[\"EPSG\",\\s*\"?(\\d+)\"?\\]", RegexOptions.IgnoreCase)]
    private static partial Regex EpsgAuthority();

    public void Dispose()
    {
        _reader.Dispose();
        if (_tempDir is not null) Directory.Delete(_tempDir, recursive: true);
    }
}
