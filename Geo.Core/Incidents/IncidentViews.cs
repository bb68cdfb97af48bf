using System.Linq.Expressions;
using Geo.Core.Domain;

namespace Geo.Core.Incidents;

/// <summary>A case as every reader sees it (API, board, Open311 projection): no photo bytes, no reporter contact.</summary>
public sealed record IncidentDto(
    long Id, string Category, string Status, string Description, double Lon, double Lat,
    long? CommunityId, long? GridCellId, string? Assignee, string Source,
    DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt, DateTimeOffset DeadlineAt,
    DateTimeOffset? OverdueAt, DateTimeOffset? EscalatedAt, DateTimeOffset? ClosedAt,
    bool HasPhoto, uint Version)
{
    /// <summary>One projection for lists and single cases, translated to SQL (ST_X/ST_Y, no photo bytes).</summary>
    public static readonly Expression<Func<Incident, IncidentDto>> Projection = i => new IncidentDto(
        i.Id, i.CategoryCode, IncidentCodes.Code(i.Status), i.Description, i.Geom.X, i.Geom.Y,
        i.CommunityId, i.GridCellId, i.Assignee, IncidentCodes.Code(i.Source),
        i.ReportedAt, i.UpdatedAt, i.DeadlineAt, i.OverdueAt, i.EscalatedAt, i.ClosedAt,
        i.Photos.Any(), i.Version);

    private static readonly Func<Incident, IncidentDto> Compiled = Projection.Compile();

    public static IncidentDto From(Incident i) => Compiled(i);
}

public sealed record IncidentEventDto(string Action, string? FromStatus, string ToStatus, string Actor, string ActorRole,
    DateTimeOffset At, double? Lon, double? Lat, string? Note);

public sealed record IncidentDetailDto(IncidentDto Incident, IReadOnlyList<string> NextActions, IReadOnlyList<IncidentEventDto> Events);

/// <summary>A workflow step as a client asks for it: the action code, the version of the case it saw, and
/// optionally a note, where it was done (lon/lat, EPSG:4326) and, when dispatching, to whom.</summary>
public sealed record TransitionRequest(string? Action, uint? Version, string? Note = null, double? Lon = null, double? Lat = null, string? Assignee = null);
