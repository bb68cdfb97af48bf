using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class GeoUserEntityTypeConfiguration : IEntityTypeConfiguration<GeoUser>
{
    public void Configure(EntityTypeBuilder<GeoUser> b)
    {
        b.ToTable("users", t =>
        {
            t.HasCheckConstraint("ck_users_role", $"role IN ({GeoRoles.SqlList}) AND role <> 'device'");
            t.HasCheckConstraint("ck_users_name", "length(btrim(user_name)) > 0 AND length(btrim(display_name)) > 0");
            t.HasCheckConstraint("ck_users_grid_manager", "(role = 'grid_manager') = (grid_manager_name IS NOT NULL)");
        });
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(u => u.UserName).HasColumnName("user_name").HasColumnType("text");
        b.Property(u => u.DisplayName).HasColumnName("display_name").HasColumnType("text");
        b.Property(u => u.Role).HasColumnName("role").HasColumnType("text");
        b.Property(u => u.PasswordHash).HasColumnName("password_hash").HasColumnType("text");
        b.Property(u => u.GridManagerName).HasColumnName("grid_manager_name").HasColumnType("text");
        b.Property(u => u.Disabled).HasColumnName("disabled");
        b.Property(u => u.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        b.HasIndex(u => u.UserName).IsUnique().HasDatabaseName("ux_users_user_name");
    }
}
