using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class SensorReadingEntityTypeConfiguration : IEntityTypeConfiguration<SensorReading>
{
    public void Configure(EntityTypeBuilder<SensorReading> b)
    {
        b.ToTable("sensor_readings", t => t.HasCheckConstraint("ck_sensor_readings_id", "length(reading_id) BETWEEN 1 AND 100"));
        b.HasKey(r => new { r.AssetId, r.ReadingId });
        b.Property(r => r.AssetId).HasColumnName("asset_id");
        b.Property(r => r.ReadingId).HasColumnName("reading_id").HasColumnType("text");
        b.Property(r => r.Value).HasColumnName("value");
        b.Property(r => r.MeasuredAt).HasColumnName("measured_at");
        b.Property(r => r.ReceivedAt).HasColumnName("received_at");
        b.HasIndex(r => new { r.AssetId, r.MeasuredAt }).HasDatabaseName("ix_sensor_readings_asset_measured");
        b.HasOne<Asset>().WithMany().HasForeignKey(r => r.AssetId).OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_sensor_readings_asset");
    }
}
