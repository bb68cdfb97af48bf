using System.Text.RegularExpressions;
using Geo.Core.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Geo.Api.Http;

/// <summary>The one shape of every /api error: RFC 9457 problem details with a stable <c>type</c> per kind, a
/// fixed <c>title</c> per type, <c>status</c>, a <c>detail</c> a person can act on, the offending
/// <c>parameter</c> (query parameter, path segment or body field) and <c>errors</c> keyed by that name, so
/// clients written against ASP.NET's validation problems read it too. Extension members are snake_case.</summary>
public static partial class Problems
{
    public const string TypeBase = "https://geo.tongzhou.example/problems/";

    public static ProblemHttpResult From(GeoException ex)
    {
        var problem = Of(ex.Kind, ex.Parameter, ex.Message, ex.Extensions);
        if (ex.Errors is { } all) problem.ProblemDetails.Extensions["errors"] = all;
        return problem;
    }

    public static ProblemHttpResult Of(GeoErrorKind kind, string parameter, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var ext = new Dictionary<string, object?>
        {
            ["parameter"] = parameter,
            ["errors"] = new Dictionary<string, string[]> { [parameter] = [detail] },
        };
        foreach (var (k, v) in extensions ?? new Dictionary<string, object?>()) ext[k] = v;
        return TypedResults.Problem(detail, statusCode: (int)kind, title: Title(kind), type: TypeBase + Slug(kind), extensions: ext);
    }

    public static ProblemHttpResult BadInput(string parameter, string detail, int? position = null) =>
        From(GeoException.BadInput(parameter, detail, position));

    public static ProblemHttpResult NotFound(string parameter, string detail) => Of(GeoErrorKind.NotFound, parameter, detail);

    public static string Slug(GeoErrorKind kind) => kind switch
    {
        GeoErrorKind.BadInput => "bad-input",
        GeoErrorKind.Unauthorized => "unauthorized",
        GeoErrorKind.Forbidden => "forbidden",
        GeoErrorKind.NotFound => "not-found",
        GeoErrorKind.Conflict => "conflict",
        GeoErrorKind.TooLarge => "too-large",
        GeoErrorKind.Unprocessable => "unprocessable",
        GeoErrorKind.MethodNotAllowed => "method-not-allowed",
        GeoErrorKind.UnsupportedMediaType => "unsupported-media-type",
        GeoErrorKind.TooManyRequests => "too-many-requests",
        _ => "unavailable",
    };

    public static string Title(GeoErrorKind kind) => kind switch
    {
        GeoErrorKind.BadInput => "Invalid request parameter",
        GeoErrorKind.Unauthorized => "Sign-in required",
        GeoErrorKind.Forbidden => "Not allowed",
        GeoErrorKind.NotFound => "Not found",
        GeoErrorKind.Conflict => "Conflict with the current state",
        GeoErrorKind.TooLarge => "Request too large",
        GeoErrorKind.Unprocessable => "Nothing to answer with",
        GeoErrorKind.MethodNotAllowed => "Method not allowed",
        GeoErrorKind.UnsupportedMediaType => "Unsupported media type",
        GeoErrorKind.TooManyRequests => "Too many requests",
        _ => "Service unavailable",
    };

    /// <summary>A status the pipeline set without a body (authentication, authorization, routing): the same shape,
    /// with what the client can do about it. Statuses Geo has no kind for keep the framework's own problem.</summary>
    public static ProblemHttpResult? ForStatus(HttpContext http)
    {
        var status = http.Response.StatusCode;
        (string Parameter, string Detail)? what = status switch
        {
            401 => ("authorization", "sign in (POST /api/auth/signin), or send a bearer token from POST /api/auth/token or an X-Api-Key header"),
            403 => ("authorization", "the signed-in role may not use this operation"),
            404 => ("path", $"nothing at {http.Request.Path}"),
            405 => ("method", $"{http.Request.Method} is not allowed at {http.Request.Path}"),
            413 => ("body", "the request body is larger than this operation accepts"),
            415 => ("content-type", "send the body as application/json"),
            429 => ("request", "too many requests: retry later"),
            _ => null,
        };
        return what is { } w && Enum.IsDefined((GeoErrorKind)status) ? Of((GeoErrorKind)status, w.Parameter, w.Detail) : null;
    }

    /// <summary>Framework binding failures name the parameter in prose ("Failed to bind parameter \"double? x\"
    /// from \"abc\"", "Required parameter \"string code\" was not provided", "Failed to read parameter
    /// \"ReportIn body\" from the request body as JSON"): the name is the last word inside the quotes.</summary>
    internal static string BindingParameter(string message)
    {
        var m = QuotedParameter().Match(message);
        if (!m.Success) return "body";
        var words = m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? "body" : words[^1];
    }

    [GeneratedRegex("parameter \"([^\"]+)\"")]
    private static partial Regex QuotedParameter();
}

/// <summary>Group-level filter: PostgreSQL data errors (a geometry GEOS cannot intersect, a numeric overflow)
/// are the caller's input, so they become 400s naming <paramref name="fallbackParameter"/> rather than 500s.
/// <see cref="GeoException"/> from anywhere is handled by <see cref="GeoExceptionHandler"/>.</summary>
public sealed class BadInputFilter(string fallbackParameter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (GeoException ex)
        {
            return Problems.From(ex);
        }
        catch (PostgresException ex) when (GeoExceptionHandler.IsDataError(ex))
        {
            return Problems.BadInput(fallbackParameter, "the database rejected the request: " + ex.MessageText);
        }
    }
}

/// <summary>The last line: a <see cref="GeoException"/> thrown by any use case, a request the framework could not
/// bind (bad JSON, a non-numeric value for a typed parameter) and a PostgreSQL data error all become the one
/// problem shape instead of a 500.</summary>
public sealed class GeoExceptionHandler(ILogger<GeoExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemHttpResult? problem = exception switch
        {
            GeoException g => Problems.From(g),
            BadHttpRequestException b when b.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                Problems.Of(GeoErrorKind.TooLarge, "body", b.Message),
            BadHttpRequestException b => Problems.BadInput(Problems.BindingParameter(b.Message), b.Message),
            PostgresException p when IsDataError(p) => Problems.BadInput("body", "the database rejected the request: " + p.MessageText),
            _ => null,
        };
        if (problem is null || http.Response.HasStarted) return false;
        log.LogDebug("request refused: {Status} {Detail}", problem.StatusCode, problem.ProblemDetails.Detail);
        await problem.ExecuteAsync(http);
        return true;
    }

    /// <summary>SQLSTATE class 22 (data exception) and XX000 from GEOS: the input, not the server.</summary>
    internal static bool IsDataError(PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState == PostgresErrorCodes.InternalError;
}
