using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Geo.Ingest.Importers;

/// <summary>Encodings Chinese offices export: UTF-8 (with or without BOM) and GBK/GB18030.
/// Detection is byte-exact (valid UTF-8 or not), never a guess from letter frequencies.</summary>
public static class TextEncodings
{
    // first field: initializers run in textual order, and the code-page encodings below need the provider
    private static readonly bool CodePagesRegistered = RegisterCodePages();

    private static bool RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    /// <summary>Strict decoders: an invalid byte throws instead of becoming U+FFFD silently.</summary>
    public static Encoding Utf8Strict { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>Maps a name from --encoding or a .cpg file (UTF-8, GBK, GB2312, CP936, 936, GB18030, ...).</summary>
    public static Encoding Resolve(string name)
    {
        _ = CodePagesRegistered;
        var n = name.Trim().ToUpperInvariant().Replace("_", "-");
        return n switch
        {
            "UTF-8" or "UTF8" or "65001" => Utf8Strict,
            // GB18030 is a superset of GBK and GB2312: decoding with it never loses a character they encode
            "GBK" or "GB2312" or "CP936" or "936" or "GB18030" or "CP54936" or "54936" or "ANSI 936" => Gb18030,
            _ when int.TryParse(n.Replace("CP", ""), out var cp) => Encoding.GetEncoding(cp),
            _ => Encoding.GetEncoding(name.Trim()),
        };
    }

    /// <summary>Where the first invalid UTF-8 byte is (1-based line), or null when the whole file is valid UTF-8.
    /// Streams the file in blocks; a sequence split across blocks is carried over.</summary>
    public static long? FirstInvalidUtf8Line(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        var chars = ArrayPool<char>.Shared.Rent(1 << 20);
        try
        {
            int carry = 0, n;
            long line = 1;
            while ((n = fs.Read(buf, carry, (1 << 20) - carry)) > 0 || carry > 0)
            {
                var len = carry + n;
                var final = n == 0;
                var status = Utf8.ToUtf16(buf.AsSpan(0, len), chars, out var read, out _, replaceInvalidSequences: false, isFinalBlock: final);
                line += buf.AsSpan(0, read).Count((byte)'\n');
                if (status == OperationStatus.InvalidData) return line;
                if (final) break;
                carry = len - read;
                buf.AsSpan(read, carry).CopyTo(buf);
            }
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The encoding to read a text file with: the declared one (UTF-8 declared but invalid is an
    /// error naming the line), else UTF-8 when the bytes are valid UTF-8, else GB18030.</summary>
    public static Encoding ForTextFile(string path, string? declared, out string? note)
    {
        note = null;
        var invalidLine = FirstInvalidUtf8Line(path);
        if (declared is null)
        {
            if (invalidLine is null) return Utf8Strict;
            note = $"not valid UTF-8 (line {invalidLine}): read as GB18030/GBK";
            return Gb18030;
        }
        var enc = Resolve(declared);
        if (enc.CodePage == 65001 && invalidLine is { } l)
            throw new ImportException($"line {l}: invalid UTF-8 bytes although the encoding is UTF-8 (a GBK export? try --encoding gbk)");
        if (enc.CodePage != 65001 && invalidLine is null && HasNonAscii(path))
            throw new ImportException($"the file is valid UTF-8 with non-ASCII text but --encoding {declared} was given: reading it as {declared} would produce mojibake");
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
