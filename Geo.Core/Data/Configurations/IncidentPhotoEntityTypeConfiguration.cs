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
        });
        b.HasKey(p => p.IncidentId);
        b.Property(p => p.IncidentId).HasColumnName("incident_id").ValueGeneratedNever();
        b.Property(p => p.ContentType).HasColumnName("content_type").HasColumnType("text");
        b.Property(p => p.Data).HasColumnName("data").HasColumnType("bytea");
    }
}
