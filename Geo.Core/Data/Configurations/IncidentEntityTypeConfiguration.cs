using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class IncidentEntityTypeConfiguration : IEntityTypeConfiguration<Incident>
{
    internal static string StatusList => string.Join(", ", Enum.GetValues<IncidentStatus>().Select(s => $"'{s.Code()}'"));
    internal static string OpenStatusList => string.Join(", ", IncidentCodes.Open.Select(s => $"'{s.Code()}'"));

    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.ToTable("incidents", t =>
        {
            t.HasCheckConstraint("ck_incidents_status", $"status IN ({StatusList})");
            t.HasCheckConstraint("ck_incidents_source", "source IN ('resident', 'staff', 'sensor', 'open311')");
            t.HasCheckConstraint("ck_incidents_description", "length(btrim(description)) BETWEEN 1 AND 2000");
            t.HasCheckConstraint("ck_incidents_geom_extent", "ST_CoveredBy(geom, ST_MakeEnvelope(116.40, 39.48, 117.06, 40.14, 4326))");
            t.HasCheckConstraint("ck_incidents_sensor", "(source = 'sensor') = (sensor_asset_id IS NOT NULL AND alarm_type IS NOT NULL)");
            t.HasCheckConstraint("ck_incidents_escalated", "escalated_at IS NULL OR overdue_at IS NOT NULL");
            t.HasCheckConstraint("ck_incidents_address_string", "address_string IS NULL OR length(address_string) BETWEEN 1 AND 500");
            t.HasCheckConstraint("ck_incidents_media_url", "media_url IS NULL OR (length(media_url) <= 2000 AND media_url ~ '^https?://')");
        });
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(i => i.CategoryCode).HasColumnName("category_code").HasColumnType("text");
        b.Property(i => i.Status).HasColumnName("status").HasColumnType("text")
            .HasConversion(s => s.Code(), s => IncidentCodes.ParseStatus(s));
        b.Property(i => i.Description).HasColumnName("description").HasColumnType("text");
        b.Property(i => i.Geom).HasColumnName("geom").HasColumnType("geometry(Point,4326)");
        b.Property(i => i.CommunityId).HasColumnName("community_id");
        b.Property(i => i.GridCellId).HasColumnName("grid_cell_id");
        b.Property(i => i.Assignee).HasColumnName("assignee").HasColumnType("text");
        b.Property(i => i.Source).HasColumnName("source").HasColumnType("text")
            .HasConversion(s => s.Code(), s => IncidentCodes.ParseSource(s));
        b.Property(i => i.ReporterUserId).HasColumnName("reporter_user_id");
        b.Property(i => i.ReporterContact).HasColumnName("reporter_contact").HasColumnType("text");
        b.Property(i => i.AddressString).HasColumnName("address_string").HasColumnType("text");
        b.Property(i => i.MediaUrl).HasColumnName("media_url").HasColumnType("text");
        b.Property(i => i.SensorAssetId).HasColumnName("sensor_asset_id");
        b.Property(i => i.AlarmType).HasColumnName("alarm_type").HasColumnType("text");
        b.Property(i => i.ReportedAt).HasColumnName("reported_at");
        b.Property(i => i.UpdatedAt).HasColumnName("updated_at");
        b.Property(i => i.DeadlineAt).HasColumnName("deadline_at");
        b.Property(i => i.OverdueAt).HasColumnName("overdue_at");
        b.Property(i => i.EscalatedAt).HasColumnName("escalated_at");
        b.Property(i => i.ClosedAt).HasColumnName("closed_at");
        b.Property(i => i.Version).IsRowVersion();

        b.HasIndex(i => i.Geom).HasMethod("gist").HasDatabaseName("ix_incidents_geom");
        b.HasIndex(i => new { i.Status, i.DeadlineAt }).HasDatabaseName("ix_incidents_status_deadline");
        b.HasIndex(i => i.Assignee).HasDatabaseName("ix_incidents_assignee");
        b.HasIndex(i => i.GridCellId).HasDatabaseName("ix_incidents_grid_cell_id");
        b.HasIndex(i => i.ReporterUserId).HasDatabaseName("ix_incidents_reporter_user_id");
        // one open alarm case per sensor and alarm type: the dedup rule lives in the database
        b.HasIndex(i => new { i.SensorAssetId, i.AlarmType }).IsUnique()
            .HasFilter($"sensor_asset_id IS NOT NULL AND status NOT IN ('closed', 'rejected')")
            .HasDatabaseName("ux_incidents_open_alarm");

        b.HasOne<IncidentCategory>().WithMany().HasForeignKey(i => i.CategoryCode).OnDelete(DeleteBehavior.Restrict).HasConstraintName("fk_incidents_category");
        b.HasOne<Region>().WithMany().HasForeignKey(i => i.CommunityId).OnDelete(DeleteBehavior.SetNull).HasConstraintName("fk_incidents_community");
        b.HasOne<Region>().WithMany().HasForeignKey(i => i.GridCellId).OnDelete(DeleteBehavior.SetNull).HasConstraintName("fk_incidents_grid_cell");
        b.HasOne<GeoUser>().WithMany().HasForeignKey(i => i.ReporterUserId).OnDelete(DeleteBehavior.SetNull).HasConstraintName("fk_incidents_reporter");
        b.HasOne<Asset>().WithMany().HasForeignKey(i => i.SensorAssetId).OnDelete(DeleteBehavior.SetNull).HasConstraintName("fk_incidents_sensor");
        b.HasMany(i => i.Events).WithOne().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_incident_events_incident");
        b.HasMany(i => i.Photos).WithOne().HasForeignKey(p => p.IncidentId).OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_incident_photos_incident");
    }
}
