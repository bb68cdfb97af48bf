using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Geo.Api.Scale;

/// <summary>The Data Protection key ring in PostgreSQL (table <c>data_protection_keys</c>, created by a migration).</summary>
public sealed class DataProtectionKeysContext(DbContextOptions<DataProtectionKeysContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<DataProtectionKey>(e =>
    {
        e.ToTable("data_protection_keys");
        e.Property(k => k.Id).HasColumnName("id");
        e.Property(k => k.FriendlyName).HasColumnName("friendly_name");
        e.Property(k => k.Xml).HasColumnName("xml");
    });
}

public static class SharedKeys
{
    /// <summary>One application name and one key ring (in the primary) for every node: cookies, bearer tokens and
    /// antiforgery tokens issued by one node are valid on all of them, and survive restarts.</summary>
    public static IServiceCollection AddGeoDataProtection(this IServiceCollection services)
    {
        services.AddDbContext<DataProtectionKeysContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddDataProtection().SetApplicationName("Geo").PersistKeysToDbContext<DataProtectionKeysContext>();
        return services;
    }
}
