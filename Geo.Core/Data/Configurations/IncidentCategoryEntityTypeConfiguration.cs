using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class IncidentCategoryEntityTypeConfiguration : IEntityTypeConfiguration<IncidentCategory>
{
    public void Configure(EntityTypeBuilder<IncidentCategory> b)
    {
        b.ToTable("incident_categories", t =>
        {
            t.HasCheckConstraint("ck_incident_categories_limit", "time_limit_hours > 0");
            t.HasCheckConstraint("ck_incident_categories_code", "code ~ '^[a-z][a-z0-9_]*$'");
        });
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasColumnName("code").HasColumnType("text");
        b.Property(c => c.NameZh).HasColumnName("name_zh").HasColumnType("text");
        b.Property(c => c.NameEn).HasColumnName("name_en").HasColumnType("text");
        b.Property(c => c.TimeLimitHours).HasColumnName("time_limit_hours");
        // the starting set; admins add rows. Limits are working hours (24 per working day).
        b.HasData(
            new IncidentCategory { Code = "fire_hazard", NameZh = "消防隐患", NameEn = "Fire hazard", TimeLimitHours = 4 },
            new IncidentCategory { Code = "sensor_alarm", NameZh = "传感器告警", NameEn = "Sensor alarm", TimeLimitHours = 2 },
            new IncidentCategory { Code = "sanitation", NameZh = "环境卫生", NameEn = "Sanitation", TimeLimitHours = 48 },
            new IncidentCategory { Code = "road_damage", NameZh = "道路破损", NameEn = "Road damage", TimeLimitHours = 72 },
            new IncidentCategory { Code = "illegal_parking", NameZh = "违章停车", NameEn = "Illegal parking", TimeLimitHours = 24 },
            new IncidentCategory { Code = "public_facility", NameZh = "公共设施损坏", NameEn = "Damaged public facility", TimeLimitHours = 72 },
            new IncidentCategory { Code = "noise", NameZh = "噪声扰民", NameEn = "Noise nuisance", TimeLimitHours = 24 },
            new IncidentCategory { Code = "other", NameZh = "其他", NameEn = "Other", TimeLimitHours = 120 });
    }
}
