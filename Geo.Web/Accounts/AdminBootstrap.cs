using Geo.Core.Accounts;
using Geo.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Geo.Web.Accounts;

public static class AdminBootstrap
{
    /// <summary>Called once at host start; does nothing unless Geo:Auth:BootstrapAdmin is configured.</summary>
    public static async Task BootstrapAdminAsync(this IServiceProvider services, IConfiguration configuration)
    {
        var user = configuration["Geo:Auth:BootstrapAdmin:UserName"];
        var password = configuration["Geo:Auth:BootstrapAdmin:Password"];
        if (string.IsNullOrWhiteSpace(user)) return;
        await using var scope = services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<GeoDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await UserAdmin.EnsureBootstrapAdminAsync(db, user, password);
    }
}
