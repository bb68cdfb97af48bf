using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class ApiKeyEntityTypeConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys", t =>
        {
            t.HasCheckConstraint("ck_api_keys_role", $"role IN ({GeoRoles.SqlList})");
            t.HasCheckConstraint("ck_api_keys_hash", "key_hash ~ '^[0-9a-f]{64}$'");
        });
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(k => k.Name).HasColumnName("name").HasColumnType("text");
        b.Property(k => k.KeyHash).HasColumnName("key_hash").HasColumnType("text");
        b.Property(k => k.Role).HasColumnName("role").HasColumnType("text");
        b.Property(k => k.UserId).HasColumnName("user_id");
        b.Property(k => k.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        b.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        b.HasIndex(k => k.KeyHash).IsUnique().HasDatabaseName("ux_api_keys_key_hash");
        b.HasOne<GeoUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_api_keys_user");
    }
}
