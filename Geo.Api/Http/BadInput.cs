using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Geo.Api.Http;

/// <summary>A malformed request, raised deep inside parsing (CQL2, bbox, GeoJSON) where returning a result
/// would thread through every helper. <see cref="BadInputFilter"/> turns it into a 400 problem naming
/// <see cref="Parameter"/>, so no bad input ever reaches the exception handler as a 500.</summary>
public sealed class BadInputException(string parameter, string detail, int? position = null) : Exception(detail)
{
    public string Parameter { get; } = parameter;
    public int? Position { get; } = position;
}

public static class Problems
{
    public const string TypeBase = "https://geo.tongzhou.example/problems/";

    public static ProblemHttpResult BadInput(string parameter, string detail, int? position = null)
    {
        var ext = new Dictionary<string, object?> { ["parameter"] = parameter };
        if (position is { } p) ext["position"] = p;
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid parameter '{parameter}'", type: TypeBase + "bad-input", extensions: ext);
    }

    public static ProblemHttpResult NotFound(string parameter, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found",
            type: TypeBase + "not-found", extensions: new Dictionary<string, object?> { ["parameter"] = parameter });

    /// <summary>GCJ-02/BD-09 input while the conversion is not available in this build.</summary>
    public static ProblemHttpResult NotImplemented(string parameter, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status501NotImplemented, title: "Not implemented",
            type: TypeBase + "not-implemented", extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}

/// <summary>Group-level filter: bad input → 400 problem. Data errors PostgreSQL still finds (a geometry
/// GEOS cannot intersect, a numeric overflow) are the caller's input too, so they become 400s naming
/// <paramref name="fallbackParameter"/> rather than 500s.</summary>
public sealed class BadInputFilter(string fallbackParameter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (BadInputException ex)
        {
            return Problems.BadInput(ex.Parameter, ex.Message, ex.Position);
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState == PostgresErrorCodes.InternalError)
        {
            return Problems.BadInput(fallbackParameter, "the database rejected the request: " + ex.MessageText);
        }
        catch (NotImplementedException ex)
        {
            return Problems.NotImplemented("crs", ex.Message);
        }
    }
}
