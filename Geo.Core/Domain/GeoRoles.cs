namespace Geo.Core.Domain;

/// <summary>The roles of the platform, as stored in users.role / api_keys.role and carried in role claims.</summary>
public static class GeoRoles
{
    /// <summary>A signed-in resident: may follow own reports. Anonymous residents may still report.</summary>
    public const string Resident = "resident";
    /// <summary>网格员: acts on the cases of own grid cells only.</summary>
    public const string GridManager = "grid_manager";
    /// <summary>Command-centre staff: registers, dispatches, closes.</summary>
    public const string Planner = "planner";
    public const string Admin = "admin";
    /// <summary>监督员: verifies (核查) the work others did, the last check before a case closes (GB/T 30428's
    /// separation of collecting and verifying from handling). Sees every case; never handles one.</summary>
    public const string Supervisor = "supervisor";
    /// <summary>Sensors and other machines posting readings with an API key.</summary>
    public const string Device = "device";

    public static IReadOnlyList<string> All { get; } = [Resident, GridManager, Planner, Admin, Supervisor, Device];

    public static IReadOnlyList<string> Staff { get; } = [GridManager, Planner, Admin, Supervisor];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    /// <summary>SQL list for CHECK constraints.</summary>
    public static string SqlList => string.Join(", ", All.Select(r => $"'{r}'"));
}

/// <summary>A person who signs in (cookie or bearer token). Passwords are stored as ASP.NET Core Identity
/// PasswordHasher hashes (PBKDF2), never in clear.</summary>
public sealed class GeoUser
{
    public long Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string Role { get; set; }
    public required string PasswordHash { get; set; }

    /// <summary>For grid managers: the name in regions.grid_manager whose cells they act on.</summary>
    public string? GridManagerName { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A machine credential. Only the SHA-256 of the key is stored: a leaked table does not leak keys.</summary>
public sealed class ApiKey
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string KeyHash { get; set; }
    public required string Role { get; set; }
    public long? UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public static string Hash(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    public static string NewKey() =>
        "geo_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
