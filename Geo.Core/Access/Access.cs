using System.Globalization;
using System.Security.Claims;
using Geo.Core.Domain;

namespace Geo.Core.Access;

/// <summary>The claims Geo puts on a principal and reads back; the same for cookies, bearer tokens and API keys.</summary>
public static class GeoClaims
{
    /// <summary>For grid managers: the regions.grid_manager name whose cells they may act on.</summary>
    public const string GridManager = "geo:grid_manager";
    public const string DisplayName = "geo:display_name";

    /// <summary>For principals signed in with an API key: the key's id (device keys are bound to their sensors by it).</summary>
    public const string ApiKeyId = "geo:api_key_id";

    public static long? KeyId(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(ApiKeyId)?.Value, out var id) ? id : null;

    public static bool IsStaff(ClaimsPrincipal? user) => user is not null && GeoRoles.Staff.Any(user.IsInRole);

    /// <summary>The one role a principal acts in (users and keys carry exactly one); null when anonymous.</summary>
    public static string? Role(ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value;

    public static long? UserId(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var id) ? id : null;

    public static ClaimsPrincipal Principal(string scheme, long? userId, string name, string role, string? displayName, string? gridManager)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.Role, role) };
        if (userId is not null) claims.Add(new(ClaimTypes.NameIdentifier, userId.Value.ToString(CultureInfo.InvariantCulture)));
        if (displayName is not null) claims.Add(new(DisplayName, displayName));
        if (gridManager is not null) claims.Add(new(GridManager, gridManager));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}

/// <summary>Bound from <c>Geo</c>: who may see what.</summary>
public sealed class AccessOptions
{
    public const string Section = "Geo";

    /// <summary>Show cameras and sensors to anonymous users too (a demo switch; off in production).</summary>
    public bool ExposeSensitiveLayers { get; set; }
}

/// <summary>Cameras and sensors reveal where surveillance and alarms are. The one rule, used by OGC API,
/// /api, tiles and the map alike: staff always see them; everyone else only when the deployment sets
/// Geo:ExposeSensitiveLayers.</summary>
public static class SensitiveLayers
{
    public const string ConfigKey = "Geo:ExposeSensitiveLayers";

    public static bool CanSee(ClaimsPrincipal? user, bool exposeToEveryone) => exposeToEveryone || GeoClaims.IsStaff(user);

    public static bool CanSee(ClaimsPrincipal? user, bool exposeToEveryone, AssetKind kind) =>
        !AssetKinds.IsSensitive(kind) || CanSee(user, exposeToEveryone);

    /// <summary>Every asset kind the principal may see, in <see cref="AssetKinds.All"/> order.</summary>
    public static IReadOnlyList<AssetKind> VisibleKinds(ClaimsPrincipal? user, bool exposeToEveryone) =>
        AssetKinds.All.Where(k => CanSee(user, exposeToEveryone, k)).ToArray();
}

/// <summary>Which cases a principal sees and acts on: grid managers the cases assigned to them (their own
/// cells), the command centre (planner, admin) every case, nobody else any. The API's lists, the dispatch
/// board and the workflow use case all filter through here.</summary>
public static class IncidentScope
{
    public static IQueryable<Incident> Visible(IQueryable<Incident> q, ClaimsPrincipal user)
    {
        if (!GeoClaims.IsStaff(user)) return q.Where(_ => false);
        if (!user.IsInRole(GeoRoles.GridManager)) return q;
        var mine = user.FindFirst(GeoClaims.GridManager)?.Value;
        return q.Where(i => mine != null && i.Assignee == mine);
    }
}
