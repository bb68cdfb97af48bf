using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class RegionEntityTypeConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> b)
    {
        b.ToTable("regions", t =>
        {
            t.HasCheckConstraint("ck_regions_level", "level IN ('district', 'subdistrict', 'community', 'grid_cell')");
            t.HasCheckConstraint("ck_regions_population", "population >= 0 AND population_60_plus >= 0 AND population_60_plus <= population");
            t.HasCheckConstraint("ck_regions_geom_valid", "ST_IsValid(geom) AND NOT ST_IsEmpty(geom)");
            t.HasCheckConstraint("ck_regions_parent", "(level = 'district') = (parent_id IS NULL)");
            t.HasCheckConstraint("ck_regions_name", "length(btrim(name)) > 0 AND length(btrim(code)) > 0");
        });
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(r => r.Level).HasColumnName("level").HasColumnType("text")
            .HasConversion(l => l.Code(), s => ParseLevel(s));
        b.Property(r => r.Code).HasColumnName("code").HasColumnType("text");
        b.Property(r => r.Name).HasColumnName("name").HasColumnType("text");
        b.Property(r => r.ParentId).HasColumnName("parent_id");
        b.Property(r => r.UnitType).HasColumnName("unit_type").HasColumnType("text");
        b.Property(r => r.Geom).HasColumnName("geom").HasColumnType("geometry(MultiPolygon,4326)");
        b.Property(r => r.Population).HasColumnName("population");
        b.Property(r => r.Population60Plus).HasColumnName("population_60_plus");
        b.Property(r => r.GridManager).HasColumnName("grid_manager").HasColumnType("text");
        b.Property(r => r.GridManagerPhone).HasColumnName("grid_manager_phone").HasColumnType("text");
        b.Property(r => r.Pilot).HasColumnName("pilot");
        b.Property(r => r.Synthetic).HasColumnName("synthetic");
        b.Property(r => r.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();

        b.HasIndex(r => r.Code).IsUnique().HasDatabaseName("ux_regions_code");
        b.HasIndex(r => r.Geom).HasMethod("gist").HasDatabaseName("ix_regions_geom");
        b.HasIndex(r => new { r.Level, r.ParentId }).HasDatabaseName("ix_regions_level_parent");
        b.HasOne<Region>().WithMany().HasForeignKey(r => r.ParentId).OnDelete(DeleteBehavior.Restrict).HasConstraintName("fk_regions_parent");
    }

    private static RegionLevel ParseLevel(string s) =>
        RegionLevels.TryParse(s, out var l) ? l : throw new InvalidOperationException($"unknown region level '{s}'");
}
