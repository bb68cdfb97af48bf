using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class IncidentPhotoEntityTypeConfiguration : IEntityTypeConfiguration<IncidentPhoto>
{
    /// <summary>2 MiB: a phone photo scaled for evidence, not an archive original.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    public void Configure(EntityTypeBuilder<IncidentPhoto> b)
    {
        b.ToTable("incident_photos", t =>
        {
            t.HasCheckConstraint("ck_incident_photos_size", $"octet_length(data) BETWEEN 1 AND {MaxBytes}");
            t.HasCheckConstraint("ck_incident_photos_type", "content_type IN ('image/jpeg', 'image/png', 'image/webp')");
            t.HasCheckConstraint("ck_incident_photos_position", "position BETWEEN 1 AND 3");
        });
        b.HasKey(p => new { p.IncidentId, p.Position });
        b.Property(p => p.IncidentId).HasColumnName("incident_id").ValueGeneratedNever();
        b.Property(p => p.Position).HasColumnName("position").HasDefaultValue((short)1).ValueGeneratedNever();
        b.Property(p => p.ContentType).HasColumnName("content_type").HasColumnType("text");
        b.Property(p => p.Data).HasColumnName("data").HasColumnType("bytea");
    }
}
