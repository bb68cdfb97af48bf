using System.Globalization;
using Geo.Core.Spatial;

namespace Geo.Ingest.Importers;

/// <summary>CSV with one point per row in lon/lat columns. The encoding is UTF-8 (BOM or not) or GBK/GB18030,
/// detected from the bytes (see <see cref="TextEncodings.ForTextFile"/>) unless declared.
/// Row numbers are file lines, the header being line 1.</summary>
public sealed class CsvFeatureReader : IFeatureReader
{
    private static readonly string[] LonNames = ["lon", "lng", "long", "longitude", "x", "经度"];
    private static readonly string[] LatNames = ["lat", "latitude", "y", "纬度"];

    private readonly FileStream _stream;
    private readonly StreamReader _text;

    public CsvFeatureReader(string path, string? encoding)
    {
        var enc = TextEncodings.ForTextFile(path, encoding, out var note);
        EncodingNote = note;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _text = new StreamReader(_stream, enc, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>Set when the encoding was detected as GBK/GB18030 (reported as a warning).</summary>
    public string? EncodingNote { get; }

    public string Unit => "line";
    public string? DeclaredCrs => null;
    public double Progress => _stream.Length == 0 ? 1 : (double)_stream.Position / _stream.Length;

    public IEnumerable<SourceFeature> Read()
    {
        using var records = CsvRecords.Read(_text).GetEnumerator();
        if (!records.MoveNext()) throw new ImportException("line 1: the CSV file is empty (no header)");
        var header = records.Current.Fields.Select(h => h.Trim()).ToArray();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++) index.TryAdd(header[i], i);
        var lonCol = Find(index, LonNames) ?? throw new ImportException($"line 1: no longitude column (one of {string.Join(", ", LonNames)}); header: {string.Join(", ", header)}");
        var latCol = Find(index, LatNames) ?? throw new ImportException($"line 1: no latitude column (one of {string.Join(", ", LatNames)}); header: {string.Join(", ", header)}");
        while (records.MoveNext())
        {
            var (line, record) = records.Current;
            if (record.Length == 1 && record[0].Length == 0) continue; // blank line
            if (record.Length != header.Length)
                throw new ImportException($"line {line}: broken CSV: {record.Length} fields but the header has {header.Length} (an unbalanced quote or a stray delimiter?)");
            var values = new object?[record.Length];
            for (var i = 0; i < record.Length; i++) values[i] = record[i].Length == 0 ? null : record[i];
            var props = new RowProperties(index, values);
            double lat = 0;
            var lonError = Coordinate(record[lonCol], header[lonCol], out var lon);
            var error = lonError ?? Coordinate(record[latCol], header[latCol], out lat);
            if (error is not null)
            {
                yield return new SourceFeature(line, null, props, error);
                continue;
            }
            // SRID 4326 for now; the pipeline reprojects and stamps the target SRID
            yield return new SourceFeature(line, GeoFactory.Point(lon, lat), props);
        }
    }

    private static int? Find(Dictionary<string, int> index, string[] names)
    {
        foreach (var n in names)
        {
            if (index.TryGetValue(n, out var i)) return i;
        }
        return null;
    }

    private static string? Coordinate(string text, string column, out double value)
    {
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value)) return null;
        return text.Trim().Length == 0 ? $"empty coordinate in column '{column}'" : $"non-numeric coordinate '{text}' in column '{column}'";
    }

    public void Dispose()
    {
        _text.Dispose();
        _stream.Dispose();
    }
}
