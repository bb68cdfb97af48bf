namespace Geo.Core.Common;

/// <summary>What went wrong, as HTTP would say it: the API maps each kind to its status code, the map to
/// a localised message. The numeric values are the status codes.</summary>
public enum GeoErrorKind
{
    BadInput = 400,
    Unauthorized = 401,
    Forbidden = 403,
    NotFound = 404,
    MethodNotAllowed = 405,
    Conflict = 409,
    TooLarge = 413,
    /// <summary>Well-formed, but there is nothing to answer it with (e.g. no walkable street near the point).</summary>
    Unprocessable = 422,
    UnsupportedMediaType = 415,
    TooManyRequests = 429,
    Unavailable = 503,
}

/// <summary>The one error type of every use case in Geo.Core (and the API's parsing helpers): the kind, the
/// request parameter or body field at fault, and a detail a person can act on. Raised where the problem is
/// found, however deep (a CQL2 parser, a bbox, a workflow step), and turned into an RFC 9457 problem by one
/// helper in the API or into a message by the map, so neither re-implements the rule that failed.</summary>
public sealed class GeoException : Exception
{
    public GeoException(GeoErrorKind kind, string parameter, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
        : base(detail)
    {
        Kind = kind;
        Parameter = parameter;
        Extensions = extensions ?? new Dictionary<string, object?>();
    }

    public GeoErrorKind Kind { get; }

    /// <summary>The query parameter, path segment or body field at fault (snake_case, as the client sent it).</summary>
    public string Parameter { get; }

    /// <summary>Extra members for the problem document (e.g. <c>position</c> in a filter, <c>current_version</c>).</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; }

    /// <summary>Every field at fault when a body has several (the first is <see cref="Parameter"/>); null for one.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; private init; }

    /// <summary>A body with several bad fields, reported together so the client fixes them in one round.</summary>
    public static GeoException Invalid(IReadOnlyDictionary<string, string> errors)
    {
        if (errors.Count == 0) throw new ArgumentException("no errors", nameof(errors));
        var first = errors.First();
        var detail = errors.Count == 1 ? first.Value : string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}"));
        return new GeoException(GeoErrorKind.BadInput, first.Key, detail) { Errors = errors.ToDictionary(e => e.Key, e => new[] { e.Value }) };
    }

    public static GeoException BadInput(string parameter, string detail, int? position = null) =>
        new(GeoErrorKind.BadInput, parameter, detail, position is { } p ? new Dictionary<string, object?> { ["position"] = p } : null);

    public static GeoException NotFound(string parameter, string detail) => new(GeoErrorKind.NotFound, parameter, detail);

    public static GeoException Conflict(string parameter, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(GeoErrorKind.Conflict, parameter, detail, extensions);

    public static GeoException Forbidden(string parameter, string detail) => new(GeoErrorKind.Forbidden, parameter, detail);

    public static GeoException TooLarge(string parameter, string detail) => new(GeoErrorKind.TooLarge, parameter, detail);

    public static GeoException Unprocessable(string parameter, string detail) => new(GeoErrorKind.Unprocessable, parameter, detail);

    public static GeoException Unavailable(string parameter, string detail) => new(GeoErrorKind.Unavailable, parameter, detail);
}
