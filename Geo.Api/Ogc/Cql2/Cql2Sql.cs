using Geo.Core.Crs;
using Geo.Core.Data;
using NetTopologySuite.Geometries;
using NpgsqlTypes;

namespace Geo.Api.Ogc.Cql2;

/// <summary>Translates a parsed CQL2 expression into a SQL predicate on alias <c>t</c>. Property names
/// resolve only through the collection's queryables; every literal becomes a typed parameter.</summary>
public sealed class Cql2Sql(OgcCollection collection, SqlParams parameters, string filterCrs)
{
    public string Translate(CqlNode node) => node switch
    {
        CqlAnd a => $"({Translate(a.Left)} AND {Translate(a.Right)})",
        CqlOr o => $"({Translate(o.Left)} OR {Translate(o.Right)})",
        CqlNot n => $"(NOT {Translate(n.Inner)})",
        CqlBool b => b.Value ? "TRUE" : "FALSE",
        CqlCompare c => Compare(c),
        CqlLike l => Like(l),
        CqlIn i => In(i),
        CqlBetween b => Between(b),
        CqlIsNull n => $"({Scalar(n.Left, null, allowGeometry: true).Sql} IS {(n.Negated ? "NOT " : "")}NULL)",
        CqlSpatial s => $"{Cql2Parser.SqlFunction(s.Function)}({Geom(s.A)}, {Geom(s.B)})",
        _ => throw new Cql2Exception(node.Pos, "unsupported expression"),
    };

    private string Compare(CqlCompare c)
    {
        var type = TypeOf(c.Left) ?? TypeOf(c.Right) ?? LiteralType(c.Left);
        if (type == QType.Boolean && c.Op is not ("=" or "<>")) throw new Cql2Exception(c.Pos, $"operator {c.Op} does not apply to booleans");
        return $"({Scalar(c.Left, type).Sql} {c.Op} {Scalar(c.Right, type).Sql})";
    }

    private string Like(CqlLike l)
    {
        if ((TypeOf(l.Left) ?? QType.String) != QType.String) throw new Cql2Exception(l.Left.Pos, "LIKE needs a string property");
        if (l.Pattern is not CqlString) throw new Cql2Exception(l.Pattern.Pos, "LIKE needs a quoted pattern");
        return $"({Scalar(l.Left, QType.String).Sql} {(l.Negated ? "NOT " : "")}LIKE {Scalar(l.Pattern, QType.String).Sql})";
    }

    private string In(CqlIn i)
    {
        var type = TypeOf(i.Left) ?? LiteralType(i.Left);
        var items = string.Join(", ", i.Items.Select(x => Scalar(x, type).Sql));
        return $"({Scalar(i.Left, type).Sql} {(i.Negated ? "NOT " : "")}IN ({items}))";
    }

    private string Between(CqlBetween b)
    {
        var type = TypeOf(b.Left) ?? LiteralType(b.Left);
        if (type is QType.Boolean or QType.String && TypeOf(b.Left) is null) throw new Cql2Exception(b.Pos, "BETWEEN needs a number or timestamp");
        return $"({Scalar(b.Left, type).Sql} {(b.Negated ? "NOT " : "")}BETWEEN {Scalar(b.Low, type).Sql} AND {Scalar(b.High, type).Sql})";
    }

    private QType? TypeOf(CqlOperand op) => op is CqlProperty p ? Property(p).Type : null;

    private static QType LiteralType(CqlOperand op) => op switch
    {
        CqlNumber => QType.Number,
        CqlBoolean => QType.Boolean,
        CqlTimestamp => QType.Timestamp,
        CqlGeometry => QType.Geometry,
        _ => QType.String,
    };

    private Queryable Property(CqlProperty p) =>
        collection.Find(p.Name) ?? throw new Cql2Exception(p.Pos,
            $"unknown property '{p.Name}'; queryables of '{collection.Id}': {string.Join(", ", collection.Queryables.Select(q => q.Name))}");

    /// <summary>SQL for a scalar operand, coercing a literal to <paramref name="expected"/> (numbers compare
    /// as double precision, which is exact for every id and count Geo stores).</summary>
    private (string Sql, QType Type) Scalar(CqlOperand op, QType? expected, bool allowGeometry = false)
    {
        if (op is CqlProperty prop)
        {
            var q = Property(prop);
            if (q.Type == QType.Geometry && !allowGeometry) throw new Cql2Exception(op.Pos, $"'{q.Name}' is a geometry: use S_INTERSECTS, S_WITHIN, ...");
            if (expected is { } e && !Compatible(q.Type, e)) throw new Cql2Exception(op.Pos, $"'{q.Name}' is {Describe(q.Type)}, compared with {Describe(e)}");
            return (q.Sql, q.Type);
        }
        var type = expected ?? LiteralType(op);
        return type switch
        {
            QType.String when op is CqlString s => (parameters.Add(s.Value, NpgsqlDbType.Text), type),
            QType.Integer or QType.Number when op is CqlNumber n => (parameters.Add(n.Value, NpgsqlDbType.Double), type),
            QType.Boolean when op is CqlBoolean b => (parameters.Add(b.Value, NpgsqlDbType.Boolean), type),
            QType.Timestamp when op is CqlTimestamp t => (parameters.Add(t.Value, NpgsqlDbType.TimestampTz), type),
            QType.Timestamp when op is CqlString s && DateTimeOffset.TryParse(s.Value, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var ts)
                => (parameters.Add(ts, NpgsqlDbType.TimestampTz), type),
            QType.Geometry when op is CqlGeometry => (Geom(op), type),
            _ => throw new Cql2Exception(op.Pos, $"expected {Describe(type)} here"),
        };
    }

    private static bool Compatible(QType a, QType b) =>
        a == b || (a is QType.Integer or QType.Number && b is QType.Integer or QType.Number);

    private static string Describe(QType t) => t switch
    {
        QType.String => "a string",
        QType.Integer or QType.Number => "a number",
        QType.Boolean => "a boolean",
        QType.Timestamp => "a timestamp",
        _ => "a geometry",
    };

    private string Geom(CqlOperand op)
    {
        if (op is CqlProperty p)
        {
            var q = Property(p);
            if (q.Type != QType.Geometry) throw new Cql2Exception(op.Pos, $"'{q.Name}' is not a geometry");
            return q.Sql;
        }
        if (op is not CqlGeometry g) throw new Cql2Exception(op.Pos, "expected a geometry property or a WKT/BBOX literal");
        return GeometryParameter(parameters, g.Value, filterCrs);
    }

    /// <summary>A literal geometry in <paramref name="crs"/> as a parameter in EPSG:4326 (lon, lat) terms.
    /// North-first codes (EPSG:4326, 4490 lat,lon; EPSG:4548 northing,easting) are swapped here; projected
    /// ones are transformed by PostGIS.</summary>
    public static string GeometryParameter(SqlParams parameters, Geometry g, string crs)
    {
        var copy = g.Copy();
        if (OutputCrs.NorthFirst(crs))
        {
            copy.Apply(new SwapXy());
            copy.GeometryChanged();
        }
        var srid = SupportedCrs.Srid(crs);
        copy.SRID = srid;
        var p = parameters.Add(copy, NpgsqlDbType.Geometry);
        return srid == 4326 ? p : $"ST_Transform({p}, 4326)";
    }

    private sealed class SwapXy : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var x = seq.GetX(i);
                seq.SetX(i, seq.GetY(i));
                seq.SetY(i, x);
            }
        }
    }
}
