using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Unicode;

namespace Geo.Ingest.Importers;

/// <summary>Encodings Chinese offices export: UTF-8 (with or without BOM) and GBK/GB18030.
/// Detection is byte-exact (valid UTF-8 or not), never a guess from letter frequencies.</summary>
public static class TextEncodings
{
    // First field: initializers run in textual order, and the code-page encodings below need the provider.
    // The explicit static constructor makes the class not beforefieldinit, so every initializer has run before
    // any member is used; without it the runtime could reach Encoding.GetEncoding("GB18030") in a member that
    // touches no field first ("'GB18030' is not a supported encoding name", exit 134).
    private static readonly bool CodePagesRegistered = RegisterCodePages();

    static TextEncodings()
    {
    }

    private static bool RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    /// <summary>The longest line a text import accepts (bytes). A file without line breaks would otherwise be
    /// read into memory whole before any check could name the problem.</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>Strict decoders: an invalid byte throws instead of becoming U+FFFD silently.</summary>
    public static Encoding Utf8Strict { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>GB18030 (a superset of GBK/GB2312) that refuses invalid bytes instead of turning them into '?'.</summary>
    public static Encoding Gb18030 { get; } = Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>Maps a name from --encoding or a .cpg file (UTF-8, GBK, GB2312, CP936, 936, GB18030, ...).</summary>
    public static Encoding Resolve(string name)
    {
        Debug.Assert(CodePagesRegistered);
        var n = name.Trim().ToUpperInvariant().Replace("_", "-");
        return n switch
        {
            "UTF-8" or "UTF8" or "65001" => Utf8Strict,
            // GB18030 is a superset of GBK and GB2312: decoding with it never loses a character they encode
            "GBK" or "GB2312" or "CP936" or "936" or "GB18030" or "CP54936" or "54936" or "ANSI 936" => Gb18030,
            _ when int.TryParse(n.Replace("CP", ""), out var cp) => Strict(() => Encoding.GetEncoding(cp, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback), name),
            _ => Strict(() => Encoding.GetEncoding(name.Trim(), EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback), name),
        };
    }

    private static Encoding Strict(Func<Encoding> get, string name)
    {
        try
        {
            return get();
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new ImportException($"unknown encoding '{name}' (UTF-8, GBK, GB18030 or a code page number)");
        }
    }

    /// <summary>Where the first invalid UTF-8 byte is (1-based line), or null when the whole file is valid UTF-8.</summary>
    public static long? FirstInvalidUtf8Line(string path) => FirstInvalid(path, Utf8Strict)?.Line;

    /// <summary>The first place (1-based line and character column) where the bytes are not valid in
    /// <paramref name="strict"/> (an encoding whose decoder throws), or null when the whole file decodes.
    /// Streams the file line by line; a line longer than <see cref="MaxLineBytes"/> is an
    /// <see cref="ImportException"/> naming it. Splitting on the byte 0x0A is safe for UTF-8 and GB18030:
    /// neither uses it inside a multi-byte character.</summary>
    public static (long Line, int Column)? FirstInvalid(string path, Encoding strict)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var buf = ArrayPool<byte>.Shared.Rent(MaxLineBytes + (1 << 16));
        try
        {
            int have = 0, n;
            long line = 1;
            var eof = false;
            while (!eof || have > 0)
            {
                if (!eof && (n = fs.Read(buf, have, Math.Min(1 << 16, buf.Length - have))) > 0) have += n;
                else eof = true;
                var data = buf.AsSpan(0, have);
                var start = 0;
                int nl;
                while ((nl = data[start..].IndexOf((byte)'\n')) >= 0)
                {
                    if (Check(data.Slice(start, nl), strict) is { } col) return (line, col);
                    start += nl + 1;
                    line++;
                }
                var rest = have - start;
                if (rest > MaxLineBytes) throw TooLong(line);
                if (eof)
                {
                    if (rest > 0 && Check(data[start..], strict) is { } col) return (line, col);
                    break;
                }
                data[start..].CopyTo(buf);
                have = rest;
            }
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private static ImportException TooLong(long line) =>
        new($"line {line}: longer than {MaxLineBytes / (1 << 20)} MiB without a line break (not a CSV/text layer, or a broken export)");

    /// <summary>The 1-based character column of the first invalid byte in one line, or null.</summary>
    private static int? Check(ReadOnlySpan<byte> line, Encoding strict)
    {
        if (Ascii.IsValid(line)) return null;
        try
        {
            strict.GetCharCount(line);
            return null;
        }
        catch (DecoderFallbackException ex)
        {
            var at = Math.Clamp(ex.Index, 0, line.Length);
            // the bytes before the bad one decode (the decoder stopped at the first failure)
            try
            {
                return strict.GetCharCount(line[..at]) + 1;
            }
            catch (DecoderFallbackException)
            {
                return at + 1;
            }
        }
    }

    /// <summary>The encoding to read a text file with: the declared one (UTF-8 declared but invalid is an
    /// error naming the line), else UTF-8 when the bytes are valid UTF-8, else GB18030.</summary>
    public static Encoding ForTextFile(string path, string? declared, out string? note)
    {
        note = null;
        var invalid = FirstInvalid(path, Utf8Strict);
        if (declared is null)
        {
            if (invalid is null) return Utf8Strict;
            if (FirstInvalid(path, Gb18030) is { } bad)
                throw new ImportException($"line {bad.Line}, column {bad.Column}: bytes that are neither UTF-8 nor GBK/GB18030 (a damaged file? declare the encoding with --encoding)");
            note = $"not valid UTF-8 (line {invalid.Value.Line}): read as GB18030/GBK";
            return Gb18030;
        }
        var enc = Resolve(declared);
        if (enc.CodePage == 65001 && invalid is { } u)
            throw new ImportException($"line {u.Line}, column {u.Column}: invalid UTF-8 bytes although the encoding is UTF-8 (a GBK export? try --encoding gbk)");
        if (enc.CodePage != 65001 && invalid is null && HasNonAscii(path))
            throw new ImportException($"the file is valid UTF-8 with non-ASCII text but --encoding {declared} was given: reading it as {declared} would produce mojibake");
        if (enc.CodePage != 65001 && FirstInvalid(path, enc) is { } g)
            throw new ImportException($"line {g.Line}, column {g.Column}: bytes that are not valid {declared} (refused rather than replaced by '?')");
        return enc;
    }

    private static bool HasNonAscii(string path)
    {
        using var fs = File.OpenRead(path);
        var buf = new byte[1 << 16];
        int n;
        while ((n = fs.Read(buf)) > 0)
        {
            if (!Ascii.IsValid(buf.AsSpan(0, n))) return true;
        }
        return false;
    }

    /// <summary>Text that was decoded with the wrong encoding somewhere upstream: a replacement character,
    /// or UTF-8 bytes read as Latin-1/CP1252 ("é€šå·ž" for 通州). Returns why, or null.</summary>
    public static string? MojibakeReason(string s)
    {
        if (Ascii.IsValid(s)) return null;
        if (s.Contains('\uFFFD')) return "contains U+FFFD (bytes lost in a wrong decoding)";
        var latin = 0;
        foreach (var c in s)
        {
            if (c is >= '\u0080' and <= '\u00FF' || Cp1252High.Contains(c)) latin++;
            else if (c > '\u00FF') return null; // real CJK or other script: not Latin-1 mojibake
        }
        if (latin < 2) return null;
        byte[] bytes;
        try
        {
            // Latin-1 keeps C1 controls (U+0080–U+009F) as bytes; CP1252 turns them into €, ‘, ” and friends
            bytes = s.All(c => c <= '\u00FF') ? Encoding.Latin1.GetBytes(s) : Cp1252.GetBytes(s);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
        return Utf8.IsValid(bytes) && Encoding.UTF8.GetCharCount(bytes) < s.Length
            ? $"looks like UTF-8 read as Latin-1 (would be '{Encoding.UTF8.GetString(bytes)}')"
            : null;
    }

    private static readonly Encoding Cp1252 = Encoding.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    private static readonly HashSet<char> Cp1252High = [.. "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"];
}
