using System.Text;

namespace Geo.Ingest.Importers;

/// <summary>RFC 4180 records with their starting line: quoted fields may hold delimiters, doubled quotes
/// and line breaks. The delimiter (comma, tab, semicolon or bar) is the one the header uses most.
/// Hand-written because the error we need is "line N: unterminated quote", and that is all it takes.</summary>
internal static class CsvRecords
{
    /// <summary>The longest field (a quoted one may span lines); lines are bounded by <see cref="TextEncodings.MaxLineBytes"/>.</summary>
    public const int MaxFieldChars = 1 << 20;

    public static IEnumerable<(long Line, string[] Fields)> Read(TextReader reader)
    {
        long lineNo = 0;
        char delimiter = ',';
        var first = true;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            // the encoding scan bounds lines already; this keeps a reader given another source bounded too
            if (line.Length > TextEncodings.MaxLineBytes) throw new ImportException($"line {lineNo}: longer than {TextEncodings.MaxLineBytes / (1 << 20)} MiB without a line break");
            var start = lineNo;
            if (first)
            {
                delimiter = new[] { ',', '\t', ';', '|' }.MaxBy(d => line.Count(c => c == d));
                first = false;
            }
            if (!line.Contains('"'))
            {
                yield return (start, line.Split(delimiter));
                continue;
            }
            fields.Clear();
            field.Clear();
            var inQuotes = false;
            var quoted = false;
            var i = 0;
            while (true)
            {
                if (i >= line.Length)
                {
                    if (!inQuotes) break;
                    // a line break inside a quoted field: the record goes on
                    line = reader.ReadLine() ?? throw new ImportException($"line {start}: broken CSV: a quoted field is never closed");
                    lineNo++;
                    if (field.Length + line.Length > MaxFieldChars)
                        throw new ImportException($"line {start}: broken CSV: a quoted field runs past {MaxFieldChars / (1 << 20)} Mi characters (to line {lineNo}); is a closing quote missing?");
                    field.Append('\n');
                    i = 0;
                    continue;
                }
                var c = line[i++];
                if (inQuotes)
                {
                    if (c != '"') field.Append(c);
                    else if (i < line.Length && line[i] == '"') { field.Append('"'); i++; }
                    else inQuotes = false;
                }
                else if (c == delimiter)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    quoted = false;
                }
                else if (c == '"' && field.Length == 0 && !quoted)
                {
                    inQuotes = quoted = true;
                }
                else if (quoted)
                {
                    throw new ImportException($"line {lineNo}: broken CSV: text after a closing quote in field {fields.Count + 1}");
                }
                else
                {
                    field.Append(c); // a quote inside an unquoted field is taken literally, as Excel does
                }
            }
            fields.Add(field.ToString());
            yield return (start, fields.ToArray());
        }
    }
}
