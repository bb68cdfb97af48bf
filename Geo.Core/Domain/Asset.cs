using NetTopologySuite.Geometries;

namespace Geo.Core.Domain;

/// <summary>A smart-community asset: one geofeature of any kind.</summary>
public sealed class Asset
{
    public long Id { get; set; }
    public AssetKind Kind { get; set; }
    public required string Name { get; set; }
    public AssetStatus Status { get; set; } = AssetStatus.Online;

    /// <summary>Where the row came from (importer source name); unique together with <see cref="ExternalId"/>.</summary>
    public required string Source { get; set; }
    public required string ExternalId { get; set; }

    /// <summary>SRID 4326, lon/lat. Points for most kinds, polygons allowed (buildings, shelters).</summary>
    public required Geometry Geom { get; set; }

    /// <summary>Assigned spatially by the database on write (trigger) when not given.</summary>
    public long? CommunityId { get; set; }
    public long? GridCellId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Synthetic { get; set; }

    public required AssetAttributes Attributes { get; set; }

    /// <summary>PostgreSQL xmin: optimistic concurrency token.</summary>
    public uint Version { get; set; }
}
