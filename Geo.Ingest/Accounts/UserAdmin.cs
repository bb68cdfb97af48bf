using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Geo.Ingest.Accounts;

/// <summary>Creating accounts: the admin bootstrap, demo grid-manager users, API keys. Passwords go
/// through ASP.NET Core Identity's PasswordHasher (PBKDF2, versioned format), the same one sign-in verifies.</summary>
public static class UserAdmin
{
    public static async Task<GeoUser> AddUserAsync(GeoDbContext db, string userName, string password, string role,
        string? displayName = null, string? gridManagerName = null, CancellationToken ct = default)
    {
        if (!GeoRoles.IsKnown(role) || role == GeoRoles.Device) throw new ArgumentException($"role must be one of {string.Join(", ", GeoRoles.All.Where(r => r != GeoRoles.Device))}", nameof(role));
        if (password.Length < 8) throw new ArgumentException("password must be at least 8 characters", nameof(password));
        if (role == GeoRoles.GridManager) gridManagerName ??= displayName ?? userName;
        else gridManagerName = null;
        var user = new GeoUser { UserName = userName, DisplayName = displayName ?? userName, Role = role, PasswordHash = "", GridManagerName = gridManagerName };
        user.PasswordHash = new PasswordHasher<GeoUser>().HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Returns the key in clear exactly once; only its hash is stored.</summary>
    public static async Task<string> AddApiKeyAsync(GeoDbContext db, string name, string role, long? userId = null, CancellationToken ct = default)
    {
        if (!GeoRoles.IsKnown(role)) throw new ArgumentException($"role must be one of {string.Join(", ", GeoRoles.All)}", nameof(role));
        var key = ApiKey.NewKey();
        db.ApiKeys.Add(new ApiKey { Name = name, KeyHash = ApiKey.Hash(key), Role = role, UserId = userId });
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>One grid_manager user per distinct regions.grid_manager name that has none yet;
    /// the user name is the manager's name (as on the cell), all with the given demo password.</summary>
    public static async Task<IReadOnlyList<string>> SeedGridManagersAsync(GeoDbContext db, string password, CancellationToken ct = default)
    {
        var names = await db.Regions.AsNoTracking().Where(r => r.Level == RegionLevel.GridCell && r.GridManager != null)
            .Select(r => r.GridManager!).Distinct().ToListAsync(ct);
        var existing = (await db.Users.AsNoTracking().Where(u => u.GridManagerName != null).Select(u => u.GridManagerName!).ToListAsync(ct)).ToHashSet();
        var added = new List<string>();
        foreach (var name in names.Where(n => !existing.Contains(n)).Order(StringComparer.Ordinal))
        {
            await AddUserAsync(db, name, password, GeoRoles.GridManager, name, name, ct);
            added.Add(name);
        }
        return added;
    }

    /// <summary>First run: Geo:Auth:BootstrapAdmin:UserName/Password create an admin when there is none.</summary>
    public static async Task<bool> EnsureBootstrapAdminAsync(GeoDbContext db, string? userName, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password)) return false;
        if (await db.Users.AnyAsync(u => u.Role == GeoRoles.Admin, ct)) return false;
        await AddUserAsync(db, userName, password, GeoRoles.Admin, ct: ct);
        return true;
    }
}

public static class AccountsBootstrap
{
    /// <summary>Called once at host start; does nothing unless Geo:Auth:BootstrapAdmin is configured.</summary>
    public static async Task BootstrapAdminAsync(this IServiceProvider services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var user = configuration["Geo:Auth:BootstrapAdmin:UserName"];
        var password = configuration["Geo:Auth:BootstrapAdmin:Password"];
        if (string.IsNullOrWhiteSpace(user)) return;
        await using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateAsyncScope(services);
        var factory = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IDbContextFactory<GeoDbContext>>(scope.ServiceProvider);
        await using var db = await factory.CreateDbContextAsync();
        await UserAdmin.EnsureBootstrapAdminAsync(db, user, password);
    }
}
