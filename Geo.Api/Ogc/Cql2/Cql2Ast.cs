using NetTopologySuite.Geometries;

namespace Geo.Api.Ogc.Cql2;

/// <summary>A CQL2 syntax or type error at a 0-based character position of the filter text.</summary>
public sealed class Cql2Exception(int position, string message) : Exception(message)
{
    public int Position { get; } = position;
}

public abstract record CqlNode(int Pos);
public sealed record CqlAnd(CqlNode Left, CqlNode Right, int Pos) : CqlNode(Pos);
public sealed record CqlOr(CqlNode Left, CqlNode Right, int Pos) : CqlNode(Pos);
public sealed record CqlNot(CqlNode Inner, int Pos) : CqlNode(Pos);
public sealed record CqlCompare(string Op, CqlOperand Left, CqlOperand Right, int Pos) : CqlNode(Pos);
public sealed record CqlLike(CqlOperand Left, CqlOperand Pattern, bool Negated, int Pos) : CqlNode(Pos);
public sealed record CqlIn(CqlOperand Left, IReadOnlyList<CqlOperand> Items, bool Negated, int Pos) : CqlNode(Pos);
public sealed record CqlBetween(CqlOperand Left, CqlOperand Low, CqlOperand High, bool Negated, int Pos) : CqlNode(Pos);
public sealed record CqlIsNull(CqlOperand Left, bool Negated, int Pos) : CqlNode(Pos);
public sealed record CqlSpatial(string Function, CqlOperand A, CqlOperand B, int Pos) : CqlNode(Pos);
public sealed record CqlBool(bool Value, int Pos) : CqlNode(Pos);

public abstract record CqlOperand(int Pos);
public sealed record CqlProperty(string Name, int Pos) : CqlOperand(Pos);
public sealed record CqlString(string Value, int Pos) : CqlOperand(Pos);
public sealed record CqlNumber(double Value, bool IsInteger, int Pos) : CqlOperand(Pos);
public sealed record CqlBoolean(bool Value, int Pos) : CqlOperand(Pos);
public sealed record CqlTimestamp(DateTimeOffset Value, bool IsDate, int Pos) : CqlOperand(Pos);
public sealed record CqlGeometry(Geometry Value, int Pos) : CqlOperand(Pos);
