using System.Diagnostics;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Core.Accounts;

/// <summary>A user name that is taken: a user error (one line from the CLI), not a crash.</summary>
public sealed class UserExistsException(string userName) : Exception($"user '{userName}' already exists")
{
    public string UserName { get; } = userName;
}

/// <summary>One account <see cref="UserAdmin.SeedDemoAsync"/> dealt with: created now, or already there.</summary>
public sealed record DemoAccount(string UserName, string Role, string DisplayName, string? GridManagerName, bool Created);

/// <summary>Creating accounts: the admin bootstrap, demo users, API keys. Passwords go
/// through Identity's PasswordHasher (PBKDF2, versioned format; the Microsoft.Extensions.Identity.Core package, not the
/// ASP.NET Core framework), the same one sign-in verifies. Used by the CLI (<c>./geo users</c>) and the web host alike.</summary>
public static class UserAdmin
{
    public const string DefaultDemoPassword = "grid-demo-2026";
    public const int DemoGridManagers = 5;

    private const string UserNameIndex = "ux_users_user_name";

    /// <summary>Fixed demo accounts, one per human role; grid managers are added from the data.</summary>
    private static readonly (string UserName, string Role, string DisplayName)[] RoleDemos =
    [
        ("demo-admin", GeoRoles.Admin, "演示管理员"),
        ("demo-planner", GeoRoles.Planner, "演示规划员"),
        ("demo-supervisor", GeoRoles.Supervisor, "演示监督员"),
        ("demo-resident", GeoRoles.Resident, "演示居民"),
    ];

    public static async Task<GeoUser> AddUserAsync(GeoDbContext db, string userName, string password, string role,
        string? displayName = null, string? gridManagerName = null, CancellationToken ct = default)
    {
        var user = NewUser(userName, password, role, displayName, gridManagerName);
        // checked first for the common case; the unique index still decides a race between two writers
        if (await db.Users.AnyAsync(u => u.UserName == userName, ct)) throw new UserExistsException(userName);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (IsUserNameTaken(e))
        {
            db.Entry(user).State = EntityState.Detached;
            throw new UserExistsException(userName);
        }
        return user;
    }

    /// <summary>Returns the key in clear exactly once; only its hash is stored.</summary>
    public static async Task<string> AddApiKeyAsync(GeoDbContext db, string name, string role, long? userId = null, CancellationToken ct = default,
        IReadOnlyCollection<long>? sensors = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("the key name must not be blank", nameof(name));
        if (!GeoRoles.IsKnown(role)) throw new ArgumentException($"role must be one of {string.Join(", ", GeoRoles.All)}", nameof(role));
        if (userId is { } id && !await db.Users.AnyAsync(u => u.Id == id, ct)) throw new ArgumentException($"no user with id {id}", nameof(userId));
        var key = ApiKey.NewKey();
        var row = new ApiKey { Name = name, KeyHash = ApiKey.Hash(key), Role = role, UserId = userId };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        if (sensors is { Count: > 0 }) await BindSensorsAsync(db, row.Id, sensors, ct);
        return key;
    }

    /// <summary>Lets a device key report for these sensors (idempotent). Ids that are not sensors are refused, none bound.</summary>
    public static async Task BindSensorsAsync(GeoDbContext db, long keyId, IReadOnlyCollection<long> sensors, CancellationToken ct = default)
    {
        var ids = sensors.Distinct().ToArray();
        var known = await db.Assets.Where(a => ids.Contains(a.Id) && a.Kind == AssetKind.Sensor).Select(a => a.Id).ToListAsync(ct);
        if (ids.Except(known).FirstOrDefault() is var bad && bad != 0) throw new ArgumentException($"asset {bad} is not a sensor", nameof(sensors));
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO api_key_sensors (api_key_id, asset_id) SELECT {keyId}, unnest({ids}) ON CONFLICT DO NOTHING
            """, ct);
    }

    /// <summary>The demo accounts a tester signs in with: demo-admin, demo-planner, demo-resident and
    /// demo-grid-1..N acting for the N managers with the most cells (ties by ordinal name), so each
    /// dispatch board has cells. Deterministic for a given database; existing accounts are left as they are.</summary>
    public static async Task<IReadOnlyList<DemoAccount>> SeedDemoAsync(GeoDbContext db, string password,
        int gridManagers = DemoGridManagers, CancellationToken ct = default) => await SeedDemoAsync(db, password, gridManagers, retry: true, ct);

    private static async Task<IReadOnlyList<DemoAccount>> SeedDemoAsync(GeoDbContext db, string password, int gridManagers, bool retry, CancellationToken ct)
    {
        ValidatePassword(password);
        var managers = (await db.Regions.AsNoTracking()
                .Where(r => r.Level == RegionLevel.GridCell && r.GridManager != null)
                .GroupBy(r => r.GridManager!).Select(g => new { Name = g.Key, Cells = g.Count() })
                .ToListAsync(ct))
            // ordered here, not in SQL: the database collation must not change which managers are picked
            .OrderByDescending(m => m.Cells).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Take(gridManagers).Select(m => m.Name).ToList();
        var wanted = RoleDemos.Select(d => new DemoAccount(d.UserName, d.Role, d.DisplayName, null, Created: false))
            .Concat(managers.Select((m, i) => new DemoAccount($"demo-grid-{i + 1}", GeoRoles.GridManager, m, m, Created: false)))
            .ToList();
        var names = wanted.Select(w => w.UserName).ToList();
        var existing = (await db.Users.AsNoTracking().Where(u => names.Contains(u.UserName)).Select(u => u.UserName).ToListAsync(ct)).ToHashSet();
        var fresh = wanted.Where(w => !existing.Contains(w.UserName)).ToList();
        var users = HashAll(fresh.Select(w => NewUnhashed(w.UserName, w.Role, w.DisplayName, w.GridManagerName)).ToList(), password);
        db.Users.AddRange(users);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (retry && IsUserNameTaken(e))
        {
            // another seed-demo won the race for some names: look again and add only what is still missing
            db.ChangeTracker.Clear();
            return await SeedDemoAsync(db, password, gridManagers, retry: false, ct);
        }
        db.ChangeTracker.Clear();
        return wanted.Select(w => w with { Created = !existing.Contains(w.UserName) }).ToList();
    }

    /// <summary>The old demo: one grid_manager account per distinct regions.grid_manager name that has none yet,
    /// user name = the manager's name. Thousands of PBKDF2 hashes: computed in parallel on every core,
    /// each with its own salt, inserted in batches, with a progress callback (done, total, elapsed).</summary>
    public static async Task<int> SeedAllGridManagersAsync(GeoDbContext db, string password,
        Action<int, int, TimeSpan>? progress = null, CancellationToken ct = default)
    {
        ValidatePassword(password);
        var names = await db.Regions.AsNoTracking().Where(r => r.Level == RegionLevel.GridCell && r.GridManager != null)
            .Select(r => r.GridManager!).Distinct().ToListAsync(ct);
        // a manager is done when some account acts for them, and skipped when their name is taken as a user name
        var taken = (await db.Users.AsNoTracking().Select(u => new { u.UserName, u.GridManagerName }).ToListAsync(ct))
            .SelectMany(u => new[] { u.UserName, u.GridManagerName }).OfType<string>().ToHashSet();
        var todo = names.Where(n => !taken.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var sw = Stopwatch.StartNew();
        const int batch = 100;
        for (var i = 0; i < todo.Count; i += batch)
        {
            var users = HashAll(todo.Skip(i).Take(batch).Select(n => NewUnhashed(n, GeoRoles.GridManager, n, n)).ToList(), password, ct);
            db.Users.AddRange(users);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear(); // keeps SaveChanges from re-scanning every account added so far
            progress?.Invoke(Math.Min(i + batch, todo.Count), todo.Count, sw.Elapsed);
        }
        return todo.Count;
    }

    /// <summary>First run: Geo:Auth:BootstrapAdmin:UserName/Password create an admin when there is none.</summary>
    public static async Task<bool> EnsureBootstrapAdminAsync(GeoDbContext db, string? userName, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password)) return false;
        if (await db.Users.AnyAsync(u => u.Role == GeoRoles.Admin, ct)) return false;
        await AddUserAsync(db, userName, password, GeoRoles.Admin, ct: ct);
        return true;
    }

    private static GeoUser NewUser(string userName, string password, string role, string? displayName, string? gridManagerName)
    {
        if (string.IsNullOrWhiteSpace(userName)) throw new ArgumentException("the user name must not be blank", nameof(userName));
        if (!GeoRoles.IsKnown(role) || role == GeoRoles.Device) throw new ArgumentException($"role must be one of {string.Join(", ", GeoRoles.All.Where(r => r != GeoRoles.Device))}", nameof(role));
        ValidatePassword(password);
        if (role == GeoRoles.GridManager) gridManagerName ??= displayName ?? userName;
        else gridManagerName = null;
        return HashAll([NewUnhashed(userName, role, displayName ?? userName, gridManagerName)], password)[0];
    }

    /// <summary>A new password for an existing account (the admin console's reset): the same rule and hasher as
    /// <see cref="AddUserAsync"/>. Throws ArgumentException naming <c>password</c>.</summary>
    public static void SetPassword(GeoUser user, string password)
    {
        ValidatePassword(password);
        HashAll([user], password);
    }

    private static void ValidatePassword(string password)
    {
        if (password.Length < 8) throw new ArgumentException("password must be at least 8 characters", nameof(password));
    }

    private static GeoUser NewUnhashed(string userName, string role, string displayName, string? gridManagerName) =>
        new() { UserName = userName, DisplayName = displayName, Role = role, PasswordHash = "", GridManagerName = gridManagerName };

    /// <summary>PBKDF2 is deliberately slow (about 0.1 s each): spread over the cores. Every hash gets its
    /// own random salt from the hasher, so equal demo passwords still give different hashes.</summary>
    private static List<GeoUser> HashAll(List<GeoUser> users, string password, CancellationToken ct = default)
    {
        Parallel.ForEach(users, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            () => new PasswordHasher<GeoUser>(),
            (user, _, hasher) => { user.PasswordHash = hasher.HashPassword(user, password); return hasher; },
            _ => { });
        return users;
    }

    private static bool IsUserNameTaken(DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: UserNameIndex };
}
