using System.Text.Json.Serialization;
using NetTopologySuite.Geometries;

namespace Geo.Core.Domain;

[JsonConverter(typeof(JsonStringEnumConverter<IncidentStatus>))]
public enum IncidentStatus
{
    Reported,
    /// <summary>立案</summary>
    Registered,
    /// <summary>派遣</summary>
    Dispatched,
    /// <summary>处置</summary>
    InProgress,
    /// <summary>反馈</summary>
    Resolved,
    /// <summary>核查</summary>
    Verified,
    /// <summary>结案</summary>
    Closed,
    /// <summary>不予立案</summary>
    Rejected,
}

public enum IncidentSource { Resident, Staff, Sensor, Open311 }

/// <summary>One case of the grid-management workflow, located to a community and grid cell.</summary>
public sealed class Incident
{
    public long Id { get; set; }
    public required string CategoryCode { get; set; }
    public IncidentStatus Status { get; set; }
    public required string Description { get; set; }
    public required Point Geom { get; set; }
    public long? CommunityId { get; set; }
    public long? GridCellId { get; set; }

    /// <summary>The grid manager (regions.grid_manager of the cell) the case is assigned to.</summary>
    public string? Assignee { get; set; }
    public IncidentSource Source { get; set; }
    public long? ReporterUserId { get; set; }
    public string? ReporterContact { get; set; }

    /// <summary>The reporter's own words for the place (Open311 address_string), kept beside the located point.</summary>
    public string? AddressString { get; set; }

    /// <summary>A photo the reporter published elsewhere (Open311 media_url): an absolute http(s) URL, never fetched.</summary>
    public string? MediaUrl { get; set; }
    public long? SensorAssetId { get; set; }
    public string? AlarmType { get; set; }

    public DateTimeOffset ReportedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Reported time plus the category's limit on the working-day calendar.</summary>
    public DateTimeOffset DeadlineAt { get; set; }
    public DateTimeOffset? OverdueAt { get; set; }
    /// <summary>督办: set exactly once by the SLA clock.</summary>
    public DateTimeOffset? EscalatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>PostgreSQL xmin: optimistic concurrency token.</summary>
    public uint Version { get; set; }

    public List<IncidentEvent> Events { get; set; } = [];
    /// <summary>Up to three, by <see cref="IncidentPhoto.Position"/> (1–3), written with the case or not at all.</summary>
    public List<IncidentPhoto> Photos { get; set; } = [];
}

/// <summary>Audit trail: every transition, who, when, where, why.</summary>
public sealed class IncidentEvent
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string Action { get; set; }
    public IncidentStatus? FromStatus { get; set; }
    public IncidentStatus ToStatus { get; set; }
    public required string Actor { get; set; }
    public required string ActorRole { get; set; }
    public DateTimeOffset At { get; set; }
    public Point? Geom { get; set; }
    public string? Note { get; set; }
}

/// <summary>Kept apart from the case row so lists and transitions never drag image bytes along.</summary>
public sealed class IncidentPhoto
{
    public long IncidentId { get; set; }
    /// <summary>1–3, the order the reporter gave them.</summary>
    public short Position { get; set; } = 1;
    public required string ContentType { get; set; }
    public required byte[] Data { get; set; }
}

public sealed class IncidentCategory
{
    public required string Code { get; set; }
    public required string NameZh { get; set; }
    public required string NameEn { get; set; }
    /// <summary>Time limit in working hours (24 per working day, none on rest days).</summary>
    public int TimeLimitHours { get; set; }
}

/// <summary>An exception to the Monday–Friday rule: a public holiday on a weekday, or a make-up working day (调休) on a weekend.</summary>
public sealed class CalendarDay
{
    public DateOnly Day { get; set; }
    public bool IsWorkingDay { get; set; }
    public required string Note { get; set; }
}

public static class IncidentCodes
{
    public static string Code(this IncidentStatus s) => s switch
    {
        IncidentStatus.Reported => "reported",
        IncidentStatus.Registered => "registered",
        IncidentStatus.Dispatched => "dispatched",
        IncidentStatus.InProgress => "in_progress",
        IncidentStatus.Resolved => "resolved",
        IncidentStatus.Verified => "verified",
        IncidentStatus.Closed => "closed",
        IncidentStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static bool TryParseStatus(string? code, out IncidentStatus status)
    {
        foreach (var s in Enum.GetValues<IncidentStatus>())
        {
            if (string.Equals(s.Code(), code?.Trim(), StringComparison.OrdinalIgnoreCase)) { status = s; return true; }
        }
        status = default;
        return false;
    }

    public static IncidentStatus ParseStatus(string code) =>
        TryParseStatus(code, out var s) ? s : throw new InvalidOperationException($"unknown incident status '{code}'");

    /// <summary>Statuses in which the time limit runs (the case still waits for handling).</summary>
    public static IReadOnlyList<IncidentStatus> Open { get; } =
        [IncidentStatus.Reported, IncidentStatus.Registered, IncidentStatus.Dispatched, IncidentStatus.InProgress];

    public static string Code(this IncidentSource s) => s switch
    {
        IncidentSource.Resident => "resident",
        IncidentSource.Staff => "staff",
        IncidentSource.Sensor => "sensor",
        IncidentSource.Open311 => "open311",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static IncidentSource ParseSource(string code) =>
        Enum.GetValues<IncidentSource>().FirstOrDefault(s => s.Code() == code, (IncidentSource)(-1)) is var s && Enum.IsDefined(s)
            ? s : throw new InvalidOperationException($"unknown incident source '{code}'");
}
