using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace Geo.Core.Accounts;

public sealed record AccountRow(long Id, string UserName, string DisplayName, string Role, string? GridManagerName, bool Disabled,
    DateTimeOffset CreatedAt, DateTimeOffset? LockedUntil);

public sealed record AccountPage(IReadOnlyList<AccountRow> Items, long? Next);

public sealed record NewAccount(string? UserName, string? Password, string? Role, string? DisplayName = null, string? GridManagerName = null);

/// <summary>What an admin changes on an account; null leaves a field as it is.</summary>
public sealed record AccountChange(string? Role = null, string? GridManagerName = null, bool? Disabled = null, string? DisplayName = null,
    string? Password = null);

public sealed record ApiKeyRow(long Id, string Name, string Role, long? UserId, string? UserName, DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt, int Sensors);

public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string Target, string? Detail);

/// <summary>Sign-in lockouts live with the sign-in guard of the HTTP host; the console reads and clears them through
/// this seam (Core cannot reach the host).</summary>
public interface ISignInLockouts
{
    DateTimeOffset? LockedUntil(string userName);
    bool Unlock(string userName);
}

/// <summary>The admin console's accounts, device keys and audit trail: one use case for <c>/api/admin/…</c> and the
/// <c>/admin</c> page. Every change is written to <c>account_audit</c> in the same transaction as the change itself, by
/// the admin who made it. Refuses what would lock the district out: disabling or demoting oneself, or the last admin.</summary>
public sealed class AccountDirectory(IDbContextFactory<GeoDbContext> dbs, ISignInLockouts lockouts)
{
    public const int MaxPage = 200;
    public const int MaxText = 100;

    public async Task<AccountPage> ListAsync(string? q, long? after, int limit = 50, CancellationToken ct = default)
    {
        if (q is { Length: > MaxText }) throw GeoException.BadInput("q", $"at most {MaxText} characters");
        limit = Math.Clamp(limit, 1, MaxPage);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var users = db.Users.AsNoTracking();
        if (q?.Trim() is { Length: > 0 } text)
        {
            var pattern = LikePattern.Contains(text);
            users = users.Where(u => EF.Functions.ILike(u.UserName, pattern, LikePattern.Escape) || EF.Functions.ILike(u.DisplayName, pattern, LikePattern.Escape)
                || u.Role == text || (u.GridManagerName != null && EF.Functions.ILike(u.GridManagerName, pattern, LikePattern.Escape)));
        }
        if (after is long a) users = users.Where(u => u.Id > a);
        var rows = await users.OrderBy(u => u.Id).Take(limit + 1).ToListAsync(ct);
        long? next = rows.Count > limit ? rows[limit - 1].Id : null;
        return new AccountPage(rows.Take(limit).Select(Row).ToList(), next);
    }

    public async Task<AccountRow> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Row(await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw GeoException.NotFound("id", $"no account {id}"));
    }

    public async Task<AccountRow> CreateAsync(ClaimsPrincipal admin, NewAccount a, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(a.UserName) || a.UserName.Trim().Length > 100) throw GeoException.BadInput("user_name", "1–100 characters");
        if (a.Role is null) throw GeoException.BadInput("role", "required");
        if (a.Password is null) throw GeoException.BadInput("password", "required (at least 8 characters)");
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        GeoUser user;
        try
        {
            user = await UserAdmin.AddUserAsync(db, a.UserName.Trim(), a.Password, a.Role, Blank(a.DisplayName), Blank(a.GridManagerName), ct);
        }
        catch (UserExistsException e)
        {
            throw GeoException.Conflict("user_name", e.Message);
        }
        catch (ArgumentException e)
        {
            throw GeoException.BadInput(e.ParamName switch { "userName" => "user_name", { } p => p, _ => "body" }, e.Message.Split(" (Parameter")[0]);
        }
        await AuditAsync(db, admin, "account.create", user.UserName, $"role={user.Role}" + (user.GridManagerName is { } g ? $", grid_manager={g}" : ""), ct);
        await tx.CommitAsync(ct);
        return Row(user);
    }

    public async Task<AccountRow> ChangeAsync(ClaimsPrincipal admin, long id, AccountChange c, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw GeoException.NotFound("id", $"no account {id}");
        // the admin's own account: signed in as it, or through an API key of it
        var self = GeoClaims.UserId(admin) == user.Id || string.Equals(user.UserName, admin.Identity?.Name, StringComparison.Ordinal);
        var wasAdmin = user.Role == GeoRoles.Admin && !user.Disabled;
        var changes = new List<string>();
        if (c.Role is { } role && role != user.Role)
        {
            if (!GeoRoles.IsKnown(role) || role == GeoRoles.Device)
                throw GeoException.BadInput("role", $"one of {string.Join(", ", GeoRoles.All.Where(r => r != GeoRoles.Device))}");
            if (self) throw GeoException.Unprocessable("role", "an admin does not change their own role: ask another admin");
            changes.Add($"role {user.Role}→{role}");
            user.Role = role;
        }
        if (user.Role == GeoRoles.GridManager)
        {
            var name = Blank(c.GridManagerName) ?? user.GridManagerName ?? user.DisplayName;
            if (name.Length > 100) throw GeoException.BadInput("grid_manager", "at most 100 characters");
            if (name != user.GridManagerName) changes.Add($"grid_manager {user.GridManagerName ?? "-"}→{name}");
            user.GridManagerName = name;
        }
        else
        {
            if (Blank(c.GridManagerName) is not null) throw GeoException.BadInput("grid_manager", "only grid managers serve grid cells");
            user.GridManagerName = null;
        }
        if (Blank(c.DisplayName) is { } display && display != user.DisplayName)
        {
            if (display.Length > 100) throw GeoException.BadInput("display_name", "at most 100 characters");
            changes.Add($"display_name {user.DisplayName}→{display}");
            user.DisplayName = display;
        }
        if (c.Disabled is bool disabled && disabled != user.Disabled)
        {
            if (self && disabled) throw GeoException.Unprocessable("disabled", "an admin does not disable their own account");
            changes.Add(disabled ? "disabled" : "enabled");
            user.Disabled = disabled;
        }
        if (c.Password is { } password)
        {
            try
            {
                UserAdmin.SetPassword(user, password); // the same rule and hasher as accounts created anywhere else
            }
            catch (ArgumentException e)
            {
                throw GeoException.BadInput("password", e.Message.Split(" (Parameter")[0]);
            }
            changes.Add("password reset");
        }
        if (changes.Count == 0) return Row(user);
        await db.SaveChangesAsync(ct);
        // the district never loses its last working admin (checked inside the serializable transaction)
        if (wasAdmin && !await db.Users.AnyAsync(u => u.Role == GeoRoles.Admin && !u.Disabled, ct))
            throw GeoException.Unprocessable("role", "this would leave no enabled admin");
        await AuditAsync(db, admin, "account.change", user.UserName, string.Join("; ", changes), ct);
        await tx.CommitAsync(ct);
        return Row(user);
    }

    public async Task<AccountRow> UnlockAsync(ClaimsPrincipal admin, long id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw GeoException.NotFound("id", $"no account {id}");
        var was = lockouts.Unlock(user.UserName);
        await AuditAsync(db, admin, "account.unlock", user.UserName, was ? "sign-in lockout cleared" : "was not locked", ct);
        return Row(user);
    }

    /// <summary>Every API key, live first, newest first (the most recent 1,000), with the sensors a device key may report for.</summary>
    public async Task<IReadOnlyList<ApiKeyRow>> KeysAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Database.SqlQuery<ApiKeyRow>($"""
            SELECT k.id AS "Id", k.name AS "Name", k.role AS "Role", k.user_id AS "UserId", u.user_name AS "UserName",
                   k.created_at AS "CreatedAt", k.revoked_at AS "RevokedAt",
                   (SELECT count(*)::int FROM api_key_sensors s WHERE s.api_key_id = k.id) AS "Sensors"
            FROM api_keys k LEFT JOIN users u ON u.id = k.user_id
            ORDER BY k.revoked_at IS NOT NULL, k.id DESC LIMIT 1000
            """).ToListAsync(ct);
    }

    public async Task<ApiKeyRow> RevokeKeyAsync(ClaimsPrincipal admin, long id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct) ?? throw GeoException.NotFound("id", $"no API key {id}");
        if (key.RevokedAt is null)
        {
            key.RevokedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(ct);
            await AuditAsync(db, admin, "apikey.revoke", $"key {key.Id} ({key.Name})", $"role={key.Role}", ct);
        }
        await tx.CommitAsync(ct);
        return (await KeysAsync(ct)).First(k => k.Id == id);
    }

    public async Task<IReadOnlyList<AuditRow>> AuditAsync(string? q, long? before, int limit = 100, CancellationToken ct = default)
    {
        if (q is { Length: > MaxText }) throw GeoException.BadInput("q", $"at most {MaxText} characters");
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pattern = q?.Trim() is { Length: > 0 } t ? LikePattern.Contains(t) : null;
        return await db.Database.SqlQuery<AuditRow>($"""
            SELECT id AS "Id", at AS "At", actor AS "Actor", action AS "Action", target AS "Target", detail AS "Detail"
            FROM account_audit
            WHERE ({pattern}::text IS NULL OR actor ILIKE {pattern} OR action ILIKE {pattern} OR target ILIKE {pattern} OR detail ILIKE {pattern})
              AND ({before}::bigint IS NULL OR id < {before})
            ORDER BY id DESC LIMIT {Math.Clamp(limit, 1, MaxPage)}
            """).ToListAsync(ct);
    }

    private static Task AuditAsync(GeoDbContext db, ClaimsPrincipal admin, string action, string target, string? detail, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO account_audit (actor, action, target, detail) VALUES ({admin.Identity?.Name ?? "unknown"}, {action}, {target}, {detail})", ct);

    private AccountRow Row(GeoUser u) =>
        new(u.Id, u.UserName, u.DisplayName, u.Role, u.GridManagerName, u.Disabled, u.CreatedAt, lockouts.LockedUntil(u.UserName));

    private static string? Blank(string? s) => s?.Trim() is { Length: > 0 } t ? t : null;
}
