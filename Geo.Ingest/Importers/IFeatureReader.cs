using NetTopologySuite.Geometries;

namespace Geo.Ingest.Importers;

/// <summary>The seam between file formats and the import pipeline: every format yields numbered
/// features with a geometry in the source CRS and a bag of raw property values (string, long, double,
/// bool, DateTime, JsonElement or null) that <see cref="FeatureMapper"/> turns into a typed asset.</summary>
public interface IFeatureReader : IDisposable
{
    /// <summary>What <see cref="SourceFeature.Number"/> counts, for messages: "feature", "line" or "record".</summary>
    string Unit { get; }

    /// <summary>The CRS the file itself declares (GeoPackage srs, Shapefile .prj), when recognised.</summary>
    string? DeclaredCrs { get; }

    /// <summary>Fraction of the input consumed so far (0..1), for the progress bar.</summary>
    double Progress { get; }

    /// <summary>Streams the features. A structurally broken file throws <see cref="ImportException"/>;
    /// a single bad row is yielded with <see cref="SourceFeature.Error"/> so that more rows can be reported.</summary>
    IEnumerable<SourceFeature> Read();
}

/// <param name="Number">1-based feature index, or the file line for CSV.</param>
/// <param name="Error">Why this row could not be read (non-numeric coordinates, ...); Geometry is then null.</param>
public sealed record SourceFeature(long Number, Geometry? Geometry, IReadOnlyDictionary<string, object?> Properties, string? Error = null);

/// <summary>Property values of one row of a tabular source: the header map is shared by all rows, so a
/// million rows do not allocate a million dictionaries.</summary>
public sealed class RowProperties(IReadOnlyDictionary<string, int> header, object?[] values) : IReadOnlyDictionary<string, object?>
{
    public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
    public IEnumerable<string> Keys => header.Keys;
    public IEnumerable<object?> Values => header.Values.Select(i => values[i]);
    public int Count => header.Count;
    public bool ContainsKey(string key) => header.ContainsKey(key);

    public bool TryGetValue(string key, out object? value)
    {
        if (header.TryGetValue(key, out var i) && i < values.Length)
        {
            value = values[i];
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        header.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value < values.Length ? values[kv.Value] : null)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
