using System.Globalization;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;

namespace Geo.Api.Ogc.Cql2;

/// <summary>Recursive-descent parser for the CQL2-text subset Geo supports: comparisons, AND/OR/NOT, LIKE,
/// IN, BETWEEN, IS NULL, TRUE/FALSE, TIMESTAMP()/DATE(), and the S_* spatial functions with WKT or BBOX
/// literals. Precedence NOT &gt; AND &gt; OR, as in the standard.</summary>
public sealed class Cql2Parser
{
    /// <summary>Vertex cap for a literal geometry: a filter is a query, not an upload.</summary>
    public const int MaxVertices = 10_000;

    /// <summary>Characters in a filter: room for a literal polygon at <see cref="MaxVertices"/>, no more.</summary>
    public const int MaxLength = 300_000;

    /// <summary>Nesting of parentheses and NOTs: the parser and the translator recurse on it.</summary>
    public const int MaxDepth = 64;

    /// <summary>Predicates in one filter: an AND/OR chain becomes a tree as deep as it is long, which the
    /// translator walks recursively; a thousand is far beyond any real question.</summary>
    public const int MaxPredicates = 1_000;

    private int _depth, _predicates;

    private static readonly Dictionary<string, string> SpatialFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["S_INTERSECTS"] = "ST_Intersects", ["S_WITHIN"] = "ST_Within", ["S_CONTAINS"] = "ST_Contains",
        ["S_DISJOINT"] = "ST_Disjoint", ["S_EQUALS"] = "ST_Equals", ["S_TOUCHES"] = "ST_Touches",
        ["S_CROSSES"] = "ST_Crosses", ["S_OVERLAPS"] = "ST_Overlaps",
    };

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE",
    };

    private readonly List<Token> _t;
    private int _i;

    private Cql2Parser(string text) => _t = Cql2Lexer.Tokenize(text);

    public static CqlNode Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new Cql2Exception(0, "empty filter");
        if (text.Length > MaxLength) throw new Cql2Exception(MaxLength, $"the filter is {text.Length:N0} characters long: at most {MaxLength:N0}");
        var p = new Cql2Parser(text);
        var node = p.Or();
        if (p.Peek.Kind != TokKind.End) throw new Cql2Exception(p.Peek.Pos, $"unexpected '{p.Peek.Text}'");
        return node;
    }

    public static string SqlFunction(string cqlFunction) => SpatialFunctions[cqlFunction];

    private void Deeper(int pos)
    {
        if (++_depth > MaxDepth) throw new Cql2Exception(pos, $"the filter nests parentheses or NOT deeper than {MaxDepth} levels");
    }

    private Token Peek => _t[_i];
    private Token Next() => _t[_i++];

    private Token Expect(TokKind kind, string what)
    {
        var tok = Next();
        if (tok.Kind != kind) throw new Cql2Exception(tok.Pos, $"expected {what}, got '{(tok.Kind == TokKind.End ? "end of filter" : tok.Text)}'");
        return tok;
    }

    private CqlNode Or()
    {
        var left = And();
        while (Peek.Is("OR")) { var pos = Next().Pos; left = new CqlOr(left, And(), pos); }
        return left;
    }

    private CqlNode And()
    {
        var left = Not();
        while (Peek.Is("AND")) { var pos = Next().Pos; left = new CqlAnd(left, Not(), pos); }
        return left;
    }

    private CqlNode Not()
    {
        if (Peek.Is("NOT"))
        {
            var pos = Next().Pos;
            Deeper(pos);
            var inner = Not();
            _depth--;
            return new CqlNot(inner, pos);
        }
        if (++_predicates > MaxPredicates) throw new Cql2Exception(Peek.Pos, $"more than {MaxPredicates:N0} predicates in one filter");
        return Primary();
    }

    private CqlNode Primary()
    {
        var tok = Peek;
        if (tok.Kind == TokKind.LParen)
        {
            // "(" starts a nested predicate; a parenthesised operand is not part of the subset
            Next();
            Deeper(tok.Pos);
            var inner = Or();
            Expect(TokKind.RParen, "')'");
            _depth--;
            return inner;
        }
        if (tok.Kind == TokKind.Ident && SpatialFunctions.ContainsKey(tok.Text))
        {
            Next();
            Expect(TokKind.LParen, "'('");
            var a = Operand();
            Expect(TokKind.Comma, "','");
            var b = Operand();
            Expect(TokKind.RParen, "')'");
            return new CqlSpatial(tok.Text.ToUpperInvariant(), a, b, tok.Pos);
        }
        if (tok.Is("TRUE") || tok.Is("FALSE"))
        {
            var after = _t[_i + 1];
            if (after.Kind is TokKind.End or TokKind.RParen || after.Is("AND") || after.Is("OR"))
            {
                Next();
                return new CqlBool(tok.Is("TRUE"), tok.Pos);
            }
        }
        var left = Operand();
        var op = Peek;
        if (op.Kind == TokKind.Op)
        {
            Next();
            return new CqlCompare(op.Text == "<>" ? "<>" : op.Text, left, Operand(), op.Pos);
        }
        var negated = false;
        if (op.Is("NOT")) { Next(); negated = true; op = Peek; }
        if (op.Is("LIKE")) { Next(); return new CqlLike(left, Operand(), negated, op.Pos); }
        if (op.Is("BETWEEN"))
        {
            Next();
            var low = Operand();
            if (!Peek.Is("AND")) throw new Cql2Exception(Peek.Pos, "expected AND in BETWEEN");
            Next();
            return new CqlBetween(left, low, Operand(), negated, op.Pos);
        }
        if (op.Is("IN"))
        {
            Next();
            Expect(TokKind.LParen, "'(' after IN");
            var items = new List<CqlOperand> { Operand() };
            while (Peek.Kind == TokKind.Comma) { Next(); items.Add(Operand()); }
            Expect(TokKind.RParen, "')' closing the IN list");
            return new CqlIn(left, items, negated, op.Pos);
        }
        if (!negated && op.Is("IS"))
        {
            Next();
            var not = false;
            if (Peek.Is("NOT")) { Next(); not = true; }
            if (!Peek.Is("NULL")) throw new Cql2Exception(Peek.Pos, "expected NULL after IS");
            Next();
            return new CqlIsNull(left, not, op.Pos);
        }
        throw new Cql2Exception(op.Pos, op.Kind == TokKind.End
            ? "unexpected end of filter: expected a comparison, LIKE, IN, BETWEEN or IS NULL"
            : $"expected a comparison operator, LIKE, IN, BETWEEN or IS NULL, got '{op.Text}'");
    }

    private CqlOperand Operand()
    {
        var tok = Next();
        switch (tok.Kind)
        {
            case TokKind.String: return new CqlString(tok.Text, tok.Pos);
            case TokKind.Number:
                var isInt = !tok.Text.Contains('.') && !tok.Text.Contains('e') && !tok.Text.Contains('E');
                return new CqlNumber(double.Parse(tok.Text, NumberStyles.Float, CultureInfo.InvariantCulture), isInt, tok.Pos);
            case TokKind.QuotedIdent: return new CqlProperty(tok.Text, tok.Pos);
            case TokKind.Wkt: return new CqlGeometry(ReadGeometry(tok), tok.Pos);
            case TokKind.Ident when tok.Is("TRUE") || tok.Is("FALSE"): return new CqlBoolean(tok.Is("TRUE"), tok.Pos);
            case TokKind.Ident when tok.Is("TIMESTAMP") || tok.Is("DATE"):
                Expect(TokKind.LParen, "'('");
                var s = Expect(TokKind.String, "a quoted instant");
                Expect(TokKind.RParen, "')'");
                return ParseInstant(s, tok.Is("DATE"));
            case TokKind.Ident when !Reserved.Contains(tok.Text) && !SpatialFunctions.ContainsKey(tok.Text):
                return new CqlProperty(tok.Text, tok.Pos);
            default:
                throw new Cql2Exception(tok.Pos, tok.Kind == TokKind.End ? "unexpected end of filter: expected a value or property" : $"expected a value or property, got '{tok.Text}'");
        }
    }

    private static CqlTimestamp ParseInstant(Token s, bool isDate)
    {
        if (isDate && DateOnly.TryParseExact(s.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return new CqlTimestamp(new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), true, s.Pos);
        }
        if (!isDate && DateTimeOffset.TryParse(s.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return new CqlTimestamp(t, false, s.Pos);
        }
        throw new Cql2Exception(s.Pos, $"invalid {(isDate ? "date" : "timestamp")} '{s.Text}'");
    }

    private static Geometry ReadGeometry(Token tok)
    {
        Geometry g;
        try
        {
            if (tok.Text.StartsWith("BBOX", StringComparison.OrdinalIgnoreCase) || tok.Text.StartsWith("ENVELOPE", StringComparison.OrdinalIgnoreCase))
            {
                var body = tok.Text[(tok.Text.IndexOf('(') + 1)..^1].Split(',').Select(x => double.Parse(x.Trim(), CultureInfo.InvariantCulture)).ToArray();
                if (body.Length != 4) throw new Cql2Exception(tok.Pos, "BBOX needs 4 numbers");
                // ENVELOPE (CQL1) is (minx, maxx, maxy, miny); BBOX is (minx, miny, maxx, maxy)
                var env = tok.Text.StartsWith("BBOX", StringComparison.OrdinalIgnoreCase)
                    ? new Envelope(body[0], body[2], body[1], body[3]) : new Envelope(body[0], body[1], body[3], body[2]);
                if (body[0] > body[2] && tok.Text.StartsWith("BBOX", StringComparison.OrdinalIgnoreCase)) throw new Cql2Exception(tok.Pos, "BBOX is inverted");
                g = GeoFactory.Wgs84.ToGeometry(env);
            }
            else
            {
                g = new WKTReader(GeoFactory.Services).Read(tok.Text);
            }
        }
        catch (Exception ex) when (ex is ParseException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new Cql2Exception(tok.Pos, "invalid WKT geometry: " + ex.Message);
        }
        if (g.NumPoints > MaxVertices) throw new Cql2Exception(tok.Pos, $"geometry has {g.NumPoints} vertices; at most {MaxVertices} are allowed");
        if (g.IsEmpty) throw new Cql2Exception(tok.Pos, "empty geometry");
        var err = new IsValidOp(g).ValidationError;
        if (err is not null) throw new Cql2Exception(tok.Pos, $"invalid geometry: {err.Message} at {err.Coordinate}");
        g.SRID = GeoFactory.Srid;
        return g;
    }
}
