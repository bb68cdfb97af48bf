using System.Text.Json;

namespace Geo.Ingest.Importers;

/// <summary>Streams an RFC 7946 FeatureCollection: the file is read in blocks and each feature is parsed
/// on its own as soon as its bytes are complete, so memory stays flat for a million features (no DOM of
/// the whole document). One thread scans the blocks for feature boundaries (a Utf8JsonReader skip, no values
/// built); the features of a block are then parsed on every core, in file order. Broken JSON stops the import
/// with the number of the feature it is in.</summary>
public sealed class GeoJsonFeatureReader(string path) : IFeatureReader
{
    private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    private long _bytesDone;

    public string Unit => "feature";
    public string? DeclaredCrs => null; // RFC 7946: always lon/lat WGS84
    public double Progress => _stream.Length == 0 ? 1 : (double)_bytesDone / _stream.Length;

    private enum Phase { BeforeRoot, InRoot, InFeatures, AfterFeatures, Done }

    private sealed class Cursor
    {
        public Phase Phase = Phase.BeforeRoot;
        public JsonReaderState State = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        public long Features;
        public bool SawFeatures;
    }

    /// <summary>Features of one block at or above this count are parsed on every core (order kept); fewer are not
    /// worth the hand-off.</summary>
    private const int ParallelFrom = 256;

    public IEnumerable<SourceFeature> Read()
    {
        var buf = new byte[1 << 20];
        int len = 0;
        var final = false;
        var cursor = new Cursor();
        var batch = new List<FeatureSpan>(4096);
        var first = true;
        while (true)
        {
            if (!final)
            {
                if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2); // one feature larger than the buffer
                var n = _stream.Read(buf, len, buf.Length - len);
                if (n == 0) final = true;
                len += n;
                if (first && len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
                {
                    buf.AsSpan(3, len - 3).CopyTo(buf);
                    len -= 3;
                    _bytesDone = 3;
                }
                first = false;
            }
            int consumed;
            try
            {
                consumed = Parse(buf.AsSpan(0, len), final, cursor, batch);
            }
            catch (JsonException e)
            {
                throw new ImportException($"feature {cursor.Features + 1}: broken JSON: {Trim(e.Message)}");
            }
            catch (InvalidOperationException e)
            {
                throw new ImportException($"feature {cursor.Features + 1}: {Trim(e.Message)} (GeoJSON must be UTF-8)");
            }
            foreach (var f in ParseAll(buf, batch)) yield return f;
            batch.Clear();
            _bytesDone += consumed;
            buf.AsSpan(consumed, len - consumed).CopyTo(buf);
            len -= consumed;
            if (cursor.Phase == Phase.Done || (final && consumed == 0)) break;
        }
        if (cursor.Phase != Phase.Done)
            throw new ImportException($"feature {cursor.Features + 1}: broken JSON: the file ends inside the document");
        if (!cursor.SawFeatures)
            throw new ImportException("not a GeoJSON FeatureCollection: no \"features\" array");
    }

    /// <summary>Where one complete feature lies in the current block (the block is parsed before it is shifted).</summary>
    private readonly record struct FeatureSpan(long Number, int Start, int Length);

    /// <summary>Parses the features the scanner found in <paramref name="buf"/>: a big block on every core (each
    /// feature's bytes are complete and independent; results keep file order), a small one inline.</summary>
    private static SourceFeature[] ParseAll(byte[] buf, List<FeatureSpan> spans)
    {
        var result = new SourceFeature[spans.Count];
        if (spans.Count < ParallelFrom || Environment.ProcessorCount == 1)
        {
            for (var i = 0; i < spans.Count; i++) result[i] = ReadFeature(spans[i].Number, buf.AsSpan(spans[i].Start, spans[i].Length));
            return result;
        }
        var failures = new Exception?[spans.Count];
        var failed = false;
        Parallel.For(0, spans.Count, i =>
        {
            try
            {
                result[i] = ReadFeature(spans[i].Number, buf.AsSpan(spans[i].Start, spans[i].Length));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                failures[i] = e;
                Volatile.Write(ref failed, true);
            }
        });
        if (failed)
            for (var i = 0; i < failures.Length; i++)
                if (failures[i] is { } e)
                    throw new ImportException($"feature {spans[i].Number}: {(e is JsonException ? "broken JSON: " : "")}{Trim(e.Message)}{(e is JsonException ? "" : " (GeoJSON must be UTF-8)")}");
        return result;
    }

    /// <summary>Consumes every complete token in <paramref name="data"/>; returns the bytes consumed.</summary>
    private static int Parse(ReadOnlySpan<byte> data, bool final, Cursor c, List<FeatureSpan> batch)
    {
        var r = new Utf8JsonReader(data, final, c.State);
        while (true)
        {
            var before = r;
            if (!r.Read()) break;
            switch (c.Phase)
            {
                case Phase.BeforeRoot:
                    if (r.TokenType != JsonTokenType.StartObject) throw new ImportException("not a GeoJSON object: the file must start with '{'");
                    c.Phase = Phase.InRoot;
                    break;
                case Phase.InRoot or Phase.AfterFeatures:
                    if (r.TokenType == JsonTokenType.EndObject) { c.Phase = Phase.Done; return (int)r.BytesConsumed; }
                    if (r.TokenType != JsonTokenType.PropertyName) break;
                    if (c.Phase == Phase.InRoot && r.ValueTextEquals("features"u8))
                    {
                        if (!r.Read()) { c.State = before.CurrentState; return (int)before.BytesConsumed; }
                        if (r.TokenType != JsonTokenType.StartArray) throw new ImportException("\"features\" must be an array");
                        c.Phase = Phase.InFeatures;
                        c.SawFeatures = true;
                        break;
                    }
                    var isType = r.ValueTextEquals("type"u8);
                    var value = r;
                    if (!value.TrySkip()) { c.State = before.CurrentState; return (int)before.BytesConsumed; }
                    if (isType && r.Read() && r.TokenType == JsonTokenType.String && !r.ValueTextEquals("FeatureCollection"u8))
                        throw new ImportException($"not a GeoJSON FeatureCollection (type \"{r.GetString()}\")");
                    r = value;
                    break;
                case Phase.InFeatures:
                    if (r.TokenType == JsonTokenType.EndArray) { c.Phase = Phase.AfterFeatures; break; }
                    var probe = r;
                    if (!probe.TrySkip()) { c.State = before.CurrentState; return (int)before.BytesConsumed; }
                    var start = (int)r.TokenStartIndex;
                    c.Features++;
                    batch.Add(new FeatureSpan(c.Features, start, (int)probe.BytesConsumed - start));
                    r = probe;
                    break;
            }
            c.State = r.CurrentState;
        }
        c.State = r.CurrentState;
        return (int)r.BytesConsumed;
    }

    private static SourceFeature ReadFeature(long number, ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json, isFinalBlock: true, default);
        r.Read();
        var props = new FeatureProperties();
        if (r.TokenType != JsonTokenType.StartObject) return new SourceFeature(number, null, props, "a feature must be a JSON object");
        NetTopologySuite.Geometries.Geometry? geom = null;
        var hasGeometry = false;
        object? id = null;
        try
        {
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                var name = r.GetString();
                r.Read();
                switch (name)
                {
                    case "type":
                        if (r.TokenType != JsonTokenType.String || !r.ValueTextEquals("Feature"u8))
                            return new SourceFeature(number, null, props, "not a Feature (\"type\" must be \"Feature\")");
                        break;
                    case "id": id = Value(ref r); break;
                    case "geometry": hasGeometry = true; geom = GeoJsonGeometry.Read(ref r); break;
                    case "properties":
                        if (r.TokenType == JsonTokenType.Null) break;
                        if (r.TokenType != JsonTokenType.StartObject) return new SourceFeature(number, null, props, "\"properties\" must be an object or null");
                        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                        {
                            // invalid UTF-8 goes through GetString, which refuses it with the message the import reports
                            var key = r.ValueIsEscaped || !System.Text.Unicode.Utf8.IsValid(r.ValueSpan) ? r.GetString()! : FeatureProperties.Name(r.ValueSpan);
                            r.Read();
                            props.Set(key, Value(ref r));
                        }
                        break;
                    default: r.Skip(); break;
                }
            }
        }
        catch (FormatException e)
        {
            return new SourceFeature(number, null, props, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return new SourceFeature(number, null, props, $"{Trim(e.Message)} (wrong encoding? GeoJSON must be UTF-8)");
        }
        // the Feature's own "id" member is the external id unless properties name one
        if (id is not null) props.TryAdd("id", id);
        if (!hasGeometry || geom is null) return new SourceFeature(number, null, props, "feature has no geometry");
        return new SourceFeature(number, geom, props);
    }

    private static object? Value(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => r.GetString(),
        JsonTokenType.Number => r.TryGetInt64(out var l) ? l : r.GetDouble(),
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => JsonElement.ParseValue(ref r),
    };

    /// <summary>System.Text.Json appends reader-relative positions, which mislead once the file is read in blocks.</summary>
    private static string Trim(string message)
    {
        var i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (i > 0 ? message[..i] : message).TrimEnd('.', ' ');
    }

    public void Dispose() => _stream.Dispose();
}
