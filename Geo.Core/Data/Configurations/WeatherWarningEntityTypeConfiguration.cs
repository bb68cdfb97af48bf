using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class WeatherWarningEntityTypeConfiguration : IEntityTypeConfiguration<WeatherWarning>
{
    public void Configure(EntityTypeBuilder<WeatherWarning> b)
    {
        b.ToTable("weather_warnings", t =>
        {
            t.HasCheckConstraint("ck_weather_warnings_severity", $"severity IN ({string.Join(", ", WeatherWarning.Severities.Select(s => $"'{s}'"))})");
            t.HasCheckConstraint("ck_weather_warnings_validity", "valid_until > valid_from");
            t.HasCheckConstraint("ck_weather_warnings_area", "ST_IsValid(area) AND NOT ST_IsEmpty(area)");
            t.HasCheckConstraint("ck_weather_warnings_text", "length(btrim(title)) > 0 AND length(btrim(message)) > 0");
        });
        b.HasKey(w => w.Id);
        b.Property(w => w.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(w => w.Title).HasColumnName("title").HasColumnType("text");
        b.Property(w => w.Message).HasColumnName("message").HasColumnType("text");
        b.Property(w => w.Severity).HasColumnName("severity").HasColumnType("text");
        b.Property(w => w.Area).HasColumnName("area").HasColumnType("geometry(MultiPolygon,4326)");
        b.Property(w => w.ValidFrom).HasColumnName("valid_from");
        b.Property(w => w.ValidUntil).HasColumnName("valid_until");
        b.Property(w => w.CreatedBy).HasColumnName("created_by").HasColumnType("text");
        b.Property(w => w.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        b.HasIndex(w => w.Area).HasMethod("gist").HasDatabaseName("ix_weather_warnings_area");
        b.HasIndex(w => w.ValidUntil).HasDatabaseName("ix_weather_warnings_valid_until");
    }
}
