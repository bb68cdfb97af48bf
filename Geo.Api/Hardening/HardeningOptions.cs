namespace Geo.Api.Hardening;

/// <summary>Cost bounds and abuse limits of the HTTP surface (section <c>Hardening</c>), validated at start.
/// Staff (grid managers, planners, admins) get the larger budgets: their work is accountable and rarer.</summary>
public sealed class HardeningOptions
{
    public const string Section = "Hardening";

    /// <summary>Largest request body, bytes, refused with 413 before it is read (Content-Length) or as it arrives.</summary>
    public long MaxBodyBytes { get; set; } = 1L << 20;

    /// <summary>Resident reports carry up to three photos (2 MiB each, 2.7 MiB as base64 in JSON): room enough that a
    /// somewhat larger photo is refused by the photo check, which names the photo.</summary>
    public long MaxReportBodyBytes { get; set; } = 10L << 20;

    /// <summary>Wall-clock budget of one request, seconds (the database statement is cancelled with it).</summary>
    public double AnonymousRequestSeconds { get; set; } = 15;
    public double StaffRequestSeconds { get; set; } = 120;

    /// <summary>Expensive operations (coverage, walking reach, polygon queries, exports) running at once for
    /// non-staff callers, and how many may wait; past that: 429 with Retry-After.</summary>
    public int HeavyConcurrency { get; set; } = 2;
    public int HeavyQueue { get; set; } = 4;

    /// <summary>Identical heavy results (same operation and inputs) are shared for this long, seconds; any asset
    /// change clears them (the tiles' NOTIFY channel).</summary>
    public double HeavyCacheSeconds { get; set; } = 60;

    /// <summary>Anonymous writes (resident reports, Open311) per client address (per account when signed in) per minute.</summary>
    public int ReportsPerMinute { get; set; } = 20;

    /// <summary>true: reports need a signed-in account (any role), for when anonymous reports are abused.</summary>
    public bool ReportsRequireSignIn { get; set; }

    /// <summary>Sign-in attempts per client address per minute.</summary>
    public int SignInPerMinute { get; set; } = 30;

    /// <summary>Failed sign-ins of one account before it is locked; each further failure doubles the lock.</summary>
    public int SignInFailuresBeforeLockout { get; set; } = 5;
    public double LockoutSeconds { get; set; } = 30;
    public double MaxLockoutSeconds { get; set; } = 900;

    /// <summary>Password hashes verified at once (dedicated threads, never the request threads) and waiting.</summary>
    public int HashWorkers { get; set; } = 1;
    public int HashQueue { get; set; } = 64;

    /// <summary>Database probe: interval and timeout, seconds. A failed probe turns requests into 503 at once.</summary>
    public double ProbeIntervalSeconds { get; set; } = 0.5;
    public double ProbeTimeoutSeconds { get; set; } = 1.5;

    /// <summary>Always send the sign-in cookie with Secure (set when served over HTTPS behind a proxy that does not
    /// send X-Forwarded-Proto). Otherwise Secure follows the request scheme (X-Forwarded-Proto from trusted proxies).</summary>
    public bool SecureCookies { get; set; }

    /// <summary>Reverse proxies whose X-Forwarded-For/-Proto are believed (loopback always is).</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Other origins allowed to make cookie-authenticated writes (the site's own origin always is).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>JSON console logs with scopes (request id, trace id); false: the plain console format.</summary>
    public bool JsonLogs { get; set; } = true;

    public IEnumerable<string> Problems()
    {
        if (MaxBodyBytes < 1024) yield return "MaxBodyBytes must be at least 1024";
        if (MaxReportBodyBytes < MaxBodyBytes) yield return "MaxReportBodyBytes must be at least MaxBodyBytes";
        if (AnonymousRequestSeconds <= 0 || StaffRequestSeconds <= 0) yield return "request budgets must be positive";
        if (HeavyConcurrency < 1 || HeavyQueue < 0) yield return "HeavyConcurrency must be ≥ 1 and HeavyQueue ≥ 0";
        if (ReportsPerMinute < 1 || SignInPerMinute < 1) yield return "ReportsPerMinute and SignInPerMinute must be ≥ 1";
        if (SignInFailuresBeforeLockout < 1 || LockoutSeconds <= 0 || MaxLockoutSeconds < LockoutSeconds) yield return "lockout settings: failures ≥ 1, 0 < LockoutSeconds ≤ MaxLockoutSeconds";
        if (HashWorkers < 1 || HashQueue < 1) yield return "HashWorkers and HashQueue must be ≥ 1";
        if (ProbeIntervalSeconds <= 0 || ProbeTimeoutSeconds <= 0) yield return "probe interval and timeout must be positive";
        foreach (var p in TrustedProxies)
            if (!System.Net.IPAddress.TryParse(p, out _)) yield return $"TrustedProxies: '{p}' is not an IP address";
        foreach (var o in AllowedOrigins)
            if (!Uri.TryCreate(o, UriKind.Absolute, out _)) yield return $"AllowedOrigins: '{o}' is not an absolute origin (https://host[:port])";
    }
}
