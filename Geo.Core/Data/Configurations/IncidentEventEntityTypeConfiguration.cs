using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class IncidentEventEntityTypeConfiguration : IEntityTypeConfiguration<IncidentEvent>
{
    public void Configure(EntityTypeBuilder<IncidentEvent> b)
    {
        var statuses = IncidentEntityTypeConfiguration.StatusList;
        b.ToTable("incident_events", t =>
        {
            t.HasCheckConstraint("ck_incident_events_status", $"to_status IN ({statuses}) AND (from_status IS NULL OR from_status IN ({statuses}))");
            t.HasCheckConstraint("ck_incident_events_actor", "length(btrim(actor)) > 0 AND length(btrim(action)) > 0");
        });
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(e => e.IncidentId).HasColumnName("incident_id");
        b.Property(e => e.Action).HasColumnName("action").HasColumnType("text");
        b.Property(e => e.FromStatus).HasColumnName("from_status").HasColumnType("text")
            .HasConversion(s => s!.Value.Code(), s => IncidentCodes.ParseStatus(s));
        b.Property(e => e.ToStatus).HasColumnName("to_status").HasColumnType("text")
            .HasConversion(s => s.Code(), s => IncidentCodes.ParseStatus(s));
        b.Property(e => e.Actor).HasColumnName("actor").HasColumnType("text");
        b.Property(e => e.ActorRole).HasColumnName("actor_role").HasColumnType("text");
        b.Property(e => e.At).HasColumnName("at");
        b.Property(e => e.Geom).HasColumnName("geom").HasColumnType("geometry(Point,4326)");
        b.Property(e => e.Note).HasColumnName("note").HasColumnType("text");
        b.HasIndex(e => new { e.IncidentId, e.At }).HasDatabaseName("ix_incident_events_incident_at");
    }
}
