using System.Collections.Concurrent;
using System.Text;

namespace Geo.Ingest.Importers;

/// <summary>The properties of one GeoJSON feature without a per-feature dictionary: names and values in two
/// small arrays, looked up by a case-insensitive linear scan (a feature has a handful of properties, fewer than
/// it takes for hashing to pay), and every property name read from the UTF-8 bytes through one process-wide
/// table, so a million features allocate each distinct name once instead of once per feature. Later duplicates
/// replace earlier ones, as the dictionary did.</summary>
public sealed class FeatureProperties : IReadOnlyDictionary<string, object?>
{
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> NamesBySpan =
        Names.GetAlternateLookup<ReadOnlySpan<char>>();

    private string[] _names = new string[8];
    private object?[] _values = new object?[8];
    private int _count;

    /// <summary>The shared string for a property name given as UTF-8 (unescaped) bytes; a name longer than 256
    /// characters, or one beyond 10,000 distinct names (a hostile file), is allocated per use instead of cached.</summary>
    public static string Name(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 256) return Encoding.UTF8.GetString(utf8);
        Span<char> chars = stackalloc char[256];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        if (NamesBySpan.TryGetValue(chars[..n], out var known)) return known;
        var name = new string(chars[..n]);
        return Names.Count < 10_000 ? Names.GetOrAdd(name, name) : name;
    }

    public void Set(string name, object? value)
    {
        var i = IndexOf(name);
        if (i >= 0) { _values[i] = value; return; }
        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
            Array.Resize(ref _values, _count * 2);
        }
        _names[_count] = name;
        _values[_count++] = value;
    }

    public void TryAdd(string name, object? value)
    {
        if (IndexOf(name) < 0) Set(name, value);
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _count; i++)
            if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    public bool TryGetValue(string key, out object? value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _values[i] : null;
        return i >= 0;
    }

    public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
    public IEnumerable<string> Keys => _names.Take(_count);
    public IEnumerable<object?> Values => _values.Take(_count);
    public int Count => _count;
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++) yield return new KeyValuePair<string, object?>(_names[i], _values[i]);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
