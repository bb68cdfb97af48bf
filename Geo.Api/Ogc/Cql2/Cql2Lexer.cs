using System.Globalization;
using System.Text;

namespace Geo.Api.Ogc.Cql2;

public enum TokKind { Ident, QuotedIdent, String, Number, LParen, RParen, Comma, Op, Wkt, End }

public readonly record struct Token(TokKind Kind, string Text, int Pos)
{
    public bool Is(string keyword) => Kind == TokKind.Ident && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Tokenizer for CQL2 text. WKT geometry literals are captured whole (keyword plus balanced
/// parentheses) so the parser hands them to NetTopologySuite's reader in one piece.</summary>
public static class Cql2Lexer
{
    private static readonly HashSet<string> WktKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "BBOX", "ENVELOPE",
    };

    public static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            switch (c)
            {
                case '(': tokens.Add(new(TokKind.LParen, "(", i++)); continue;
                case ')': tokens.Add(new(TokKind.RParen, ")", i++)); continue;
                case ',': tokens.Add(new(TokKind.Comma, ",", i++)); continue;
                case '=': tokens.Add(new(TokKind.Op, "=", i++)); continue;
                case '<' or '>':
                    i++;
                    if (i < s.Length && (s[i] == '=' || (c == '<' && s[i] == '>'))) i++;
                    tokens.Add(new(TokKind.Op, s[start..i], start));
                    continue;
                case '\'':
                    tokens.Add(new(TokKind.String, ReadQuoted(s, ref i, '\''), start));
                    continue;
                case '"':
                    tokens.Add(new(TokKind.QuotedIdent, ReadQuoted(s, ref i, '"'), start));
                    continue;
            }
            if (char.IsDigit(c) || ((c is '-' or '+' or '.') && i + 1 < s.Length && (char.IsDigit(s[i + 1]) || s[i + 1] == '.')))
            {
                i++;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] is '.' or 'e' or 'E' || (s[i] is '-' or '+' && s[i - 1] is 'e' or 'E'))) i++;
                var text = s[start..i];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new Cql2Exception(start, $"invalid number '{text}'");
                }
                tokens.Add(new(TokKind.Number, text, start));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.' or ':')) i++;
                var word = s[start..i];
                if (WktKeywords.Contains(word))
                {
                    tokens.Add(new(TokKind.Wkt, ReadWkt(s, ref i, word, start), start));
                    continue;
                }
                tokens.Add(new(TokKind.Ident, word, start));
                continue;
            }
            throw new Cql2Exception(i, $"unexpected character '{c}'");
        }
        tokens.Add(new(TokKind.End, "", s.Length));
        return tokens;
    }

    private static string ReadQuoted(string s, ref int i, char q)
    {
        var start = i++;
        var sb = new StringBuilder();
        while (i < s.Length)
        {
            if (s[i] == q)
            {
                if (i + 1 < s.Length && s[i + 1] == q) { sb.Append(q); i += 2; continue; }
                i++;
                return sb.ToString();
            }
            sb.Append(s[i++]);
        }
        throw new Cql2Exception(start, $"unterminated {(q == '\'' ? "string" : "quoted identifier")}");
    }

    /// <summary>Keyword (and optional Z/M tags) plus one balanced parenthesised body.</summary>
    private static string ReadWkt(string s, ref int i, string word, int start)
    {
        while (i < s.Length && (char.IsWhiteSpace(s[i]) || char.IsLetter(s[i]))) i++;
        if (i >= s.Length || s[i] != '(') throw new Cql2Exception(i, $"expected '(' after {word}");
        var depth = 0;
        for (; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')' && --depth == 0) { i++; return s[start..i]; }
        }
        throw new Cql2Exception(start, $"unbalanced parentheses in {word} literal");
    }
}
