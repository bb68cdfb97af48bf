using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Geo.Api.Hardening;
using Geo.Core.Common;
using Geo.Core.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace Geo.Api.Auth;

/// <summary>Password guessing is bounded three ways: attempts per client address per minute, a lockout per
/// account that doubles with each further failure (the right password is refused while it lasts), and the same
/// work for unknown and known names (a dummy hash is verified), so answers and timing do not tell which names
/// exist. PBKDF2 runs on dedicated hashing threads with a bounded queue, never on the request threads: a flood
/// of sign-ins waits (or gets 429) there while the rest of the site keeps its threads.</summary>
public sealed class SignInGuard : IDisposable, Geo.Core.Accounts.ISignInLockouts
{
    private readonly HardeningOptions _options;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset LockedUntil)> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly System.Collections.Concurrent.BlockingCollection<Action> _work;
    private readonly Thread[] _workers;
    private readonly PasswordHasher<GeoUser> _hasher = new();
    private readonly GeoUser _nobody = new() { UserName = "\u0000nobody", DisplayName = "", Role = GeoRoles.Resident, PasswordHash = "" };
    private readonly string _nobodyHash;

    public SignInGuard(HardeningOptions options, TimeProvider? clock = null)
    {
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _perAddress = PartitionedRateLimiter.Create<string, string>(a => RateLimitPartition.GetFixedWindowLimiter(a, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.SignInPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        }));
        _nobodyHash = _hasher.HashPassword(_nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        _work = new BlockingCollection<Action>(options.HashQueue);
        _workers = Enumerable.Range(0, options.HashWorkers).Select(i => new Thread(Work) { IsBackground = true, Name = $"geo-hash-{i}" }).ToArray();
        foreach (var t in _workers) t.Start();
    }

    /// <summary>Refuses the attempt before any work when the address or the account is over its limit (429 with
    /// Retry-After). Call before looking the user up.</summary>
    public void Admit(HttpContext http, string userName)
    {
        using var lease = _perAddress.AttemptAcquire("ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
        if (!lease.IsAcquired)
        {
            var after = lease.TryGetMetadata(MetadataName.RetryAfter, out var ra) ? ra : TimeSpan.FromSeconds(60);
            throw TooMany(http, after, "too many sign-in attempts from this address");
        }
        if (_accounts.TryGetValue(userName, out var a) && a.LockedUntil > _clock.GetUtcNow())
            throw TooMany(http, a.LockedUntil - _clock.GetUtcNow(), "too many failed sign-ins for this account: it is locked for a while");
    }

    /// <summary>Verifies on a hashing thread; <paramref name="user"/> null (unknown or disabled) costs the same.</summary>
    public async Task<PasswordVerificationResult> VerifyAsync(GeoUser? user, string password, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource<PasswordVerificationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var u = user ?? _nobody;
        var hash = user?.PasswordHash ?? _nobodyHash;
        if (!_work.TryAdd(() =>
            {
                GeoMetrics.HashQueued(-1);
                if (ct.IsCancellationRequested) { tcs.TrySetCanceled(ct); return; }
                try
                {
                    var r = _hasher.VerifyHashedPassword(u, hash, password);
                    tcs.TrySetResult(user is null ? PasswordVerificationResult.Failed : r);
                }
                catch (FormatException)
                {
                    tcs.TrySetResult(PasswordVerificationResult.Failed); // a damaged stored hash
                }
            }))
        {
            throw new GeoException(GeoErrorKind.TooManyRequests, "request", "sign-in is busy; retry in a few seconds");
        }
        GeoMetrics.HashQueued(1);
        return await tcs.Task.WaitAsync(ct);
    }

    public string Hash(GeoUser user, string password) => _hasher.HashPassword(user, password);

    public void Failed(string userName)
    {
        GeoMetrics.SignInFailures.Add(1);
        if (_accounts.Count > 100_000) Sweep();
        _accounts.AddOrUpdate(userName, _ => Next(0), (_, a) => Next(a.Failures));
    }

    public void Succeeded(string userName) => _accounts.TryRemove(userName, out _);

    /// <summary>When this node's lockout of the account ends; null when it is not locked (lockouts are per node).</summary>
    public DateTimeOffset? LockedUntil(string userName) =>
        _accounts.TryGetValue(userName, out var a) && a.LockedUntil > _clock.GetUtcNow() ? a.LockedUntil : null;

    /// <summary>An admin clears the account's failures and lockout (the console's 解除锁定); true when it was locked.</summary>
    public bool Unlock(string userName) => _accounts.TryRemove(userName, out var a) && a.LockedUntil > _clock.GetUtcNow();

    private (int, DateTimeOffset) Next(int failures)
    {
        var n = failures + 1;
        var over = n - _options.SignInFailuresBeforeLockout;
        if (over < 0) return (n, DateTimeOffset.MinValue);
        var seconds = Math.Min(_options.MaxLockoutSeconds, _options.LockoutSeconds * Math.Pow(2, Math.Min(over, 30)));
        return (n, _clock.GetUtcNow().AddSeconds(seconds));
    }

    private void Sweep()
    {
        var now = _clock.GetUtcNow();
        foreach (var (k, v) in _accounts)
            if (v.LockedUntil < now.AddSeconds(-_options.MaxLockoutSeconds)) _accounts.TryRemove(k, out _);
    }

    private static GeoException TooMany(HttpContext http, TimeSpan after, string detail)
    {
        var s = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds));
        http.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        GeoMetrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "signin"));
        return new GeoException(GeoErrorKind.TooManyRequests, "user_name", $"{detail}; retry in {s} s",
            new Dictionary<string, object?> { ["retry_after"] = s });
    }

    private void Work()
    {
        try
        {
            foreach (var job in _work.GetConsumingEnumerable()) job();
        }
        catch (ObjectDisposedException)
        {
            // shutting down
        }
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _perAddress.Dispose();
    }
}
