using Geo.Api.Auth;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Accounts;
using Npgsql;

namespace Geo.Tests.Infrastructure;

/// <summary>Users, keys, cells with managers and assets for the grid-management tests.</summary>
internal static class GridFixtures
{
    /// <summary>A client acting in <paramref name="role"/> through an API key (no PBKDF2 cost per test).
    /// Grid managers get a user row whose grid_manager_name scopes them.</summary>
    public static async Task<HttpClient> ClientAsync(GeoWebFactory app, PostgisFixture db, string role, string? gridManager = null, params long[] sensors)
    {
        await using var ctx = db.CreateContext();
        long? userId = null;
        if (role != GeoRoles.Device)
        {
            var tag = Guid.NewGuid().ToString("N")[..8];
            var user = new GeoUser
            {
                UserName = $"{role}-{tag}", DisplayName = gridManager ?? $"{role} {tag}", Role = role, PasswordHash = "unused",
                GridManagerName = role == GeoRoles.GridManager ? gridManager ?? tag : null,
            };
            ctx.Users.Add(user);
            await ctx.SaveChangesAsync();
            userId = user.Id;
        }
        var key = await UserAdmin.AddApiKeyAsync(ctx, "test-" + Guid.NewGuid().ToString("N")[..8], role, userId, default, sensors);
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add(GeoAuth.ApiKeyHeader, key);
        return http;
    }

    /// <summary>The square hierarchy of <see cref="RegionFixtures"/> with a named grid manager on the cell.</summary>
    public static async Task<(long CommunityId, long GridCellId)> CellAsync(NpgsqlDataSource ds, string tag, double lon, double lat, double size, string manager)
    {
        var ids = await RegionFixtures.AddSquareHierarchyAsync(ds, tag, lon, lat, size);
        await using var cmd = ds.CreateCommand("UPDATE regions SET grid_manager = $1 WHERE id = $2");
        cmd.Parameters.AddWithValue(manager);
        cmd.Parameters.AddWithValue(ids.GridCellId);
        await cmd.ExecuteNonQueryAsync();
        return ids;
    }

    public static async Task<long> AssetAsync(PostgisFixture db, string name, double lon, double lat, AssetAttributes attributes)
    {
        await using var ctx = db.CreateContext();
        var a = new Asset
        {
            Kind = attributes.Kind, Name = name, Source = "test", ExternalId = Guid.NewGuid().ToString("N"),
            Geom = GeoFactory.Point(lon, lat), Attributes = attributes,
        };
        ctx.Assets.Add(a);
        await ctx.SaveChangesAsync();
        return a.Id;
    }

    public static async Task<long> CountAsync(NpgsqlDataSource ds, string sql, params object[] args)
    {
        await using var cmd = ds.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A 1×1 PNG: the smallest photo the sniffing accepts.</summary>
    public const string TinyPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
}
