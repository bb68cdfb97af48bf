using NetTopologySuite.Geometries;

namespace Geo.Core.Domain;

/// <summary>One device reading. The device's own reading id makes batches idempotent: a replayed
/// batch hits the primary key and changes nothing.</summary>
public sealed class SensorReading
{
    public long AssetId { get; set; }
    public required string ReadingId { get; set; }
    public double Value { get; set; }
    public DateTimeOffset MeasuredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>An extreme-weather warning (预警) shown on display screens inside its area while valid.</summary>
public sealed class WeatherWarning
{
    public static readonly string[] Severities = ["blue", "yellow", "orange", "red"];

    public long Id { get; set; }
    public required string Title { get; set; }
    public required string Message { get; set; }
    public required string Severity { get; set; }
    public required MultiPolygon Area { get; set; }
    public DateTimeOffset ValidFrom { get; set; }
    public DateTimeOffset ValidUntil { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
