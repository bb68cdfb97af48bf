using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class AssetEntityTypeConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> b)
    {
        b.ToTable("assets", t =>
        {
            t.HasCheckConstraint("ck_assets_kind", $"kind IN ({string.Join(", ", AssetKinds.All.Select(k => $"'{k.Code()}'"))})");
            t.HasCheckConstraint("ck_assets_status", "status IN ('online', 'offline', 'maintenance', 'planned')");
            t.HasCheckConstraint("ck_assets_name", "length(btrim(name)) > 0");
            t.HasCheckConstraint("ck_assets_source", "length(btrim(source)) > 0 AND length(btrim(external_id)) > 0");
            t.HasCheckConstraint("ck_assets_geom_valid", "ST_IsValid(geom) AND NOT ST_IsEmpty(geom)");
            t.HasCheckConstraint("ck_assets_geom_extent", "ST_CoveredBy(geom, ST_MakeEnvelope(116.40, 39.48, 117.06, 40.14, 4326))");
            t.HasCheckConstraint("ck_assets_attributes_kind", "attributes->>'kind' = kind");
        });
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(a => a.Kind).HasColumnName("kind").HasColumnType("text")
            .HasConversion(k => k.Code(), s => AssetKinds.Parse(s));
        b.Property(a => a.Name).HasColumnName("name").HasColumnType("text");
        b.Property(a => a.Status).HasColumnName("status").HasColumnType("text")
            .HasConversion(s => s.Code(), s => ParseStatus(s));
        b.Property(a => a.Source).HasColumnName("source").HasColumnType("text");
        b.Property(a => a.ExternalId).HasColumnName("external_id").HasColumnType("text");
        b.Property(a => a.Geom).HasColumnName("geom").HasColumnType("geometry(Geometry,4326)");
        b.Property(a => a.CommunityId).HasColumnName("community_id");
        b.Property(a => a.GridCellId).HasColumnName("grid_cell_id");
        b.Property(a => a.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        b.Property(a => a.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        b.Property(a => a.Synthetic).HasColumnName("synthetic");
        b.Property(a => a.Attributes).HasColumnName("attributes").HasColumnType("jsonb")
            .HasConversion(a => AssetJson.Serialize(a), s => AssetJson.Deserialize(s),
                new ValueComparer<AssetAttributes>((x, y) => Equals(x, y), x => x.GetHashCode(), x => x));
        b.Property(a => a.Version).IsRowVersion();

        b.HasIndex(a => new { a.Source, a.ExternalId }).IsUnique().HasDatabaseName("ux_assets_source_external_id");
        b.HasIndex(a => a.Geom).HasMethod("gist").HasDatabaseName("ix_assets_geom");
        // rare kinds only (a shelter among a million shops): a common kind is better found through the geometry
        // index and a filter, or a scan; a whole-kind index only made the planner AND it with the bbox
        b.HasIndex(a => new { a.Kind, a.Status }).HasDatabaseName("ix_assets_rare_kind_status").HasFilter(Sql.AssetIndexes.RareKindFilter);
        b.HasIndex(a => a.CommunityId).HasDatabaseName("ix_assets_community_id");
        b.HasIndex(a => a.GridCellId).HasDatabaseName("ix_assets_grid_cell_id");
        b.HasIndex(a => a.UpdatedAt).HasDatabaseName("ix_assets_updated_at");
        b.HasOne<Region>().WithMany().HasForeignKey(a => a.CommunityId).OnDelete(DeleteBehavior.SetNull).HasConstraintName("fk_assets_community");
        b.HasOne<Region>().WithMany().HasForeignKey(a => a.GridCellId).OnDelete(DeleteBehavior.SetNull).HasConstraintName("fk_assets_grid_cell");
    }

    private static AssetStatus ParseStatus(string s) =>
        AssetKinds.TryParseStatus(s, out var st) ? st : throw new InvalidOperationException($"unknown status '{s}'");
}
