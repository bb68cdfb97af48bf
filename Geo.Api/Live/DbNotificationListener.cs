using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Geo.Api.Live;

/// <summary>Something that follows a PostgreSQL NOTIFY channel through <see cref="DbNotificationListener"/>.</summary>
public interface IDbNotificationSubscriber
{
    /// <summary>The channel the database triggers notify (a constant of Geo.Core.Data.Sql).</summary>
    string Channel { get; }

    /// <summary>One notification; called on the listener's thread, so keep it quick.</summary>
    void OnNotification(string payload);

    /// <summary>The listener is (again) LISTENing (<paramref name="listening"/> true) or lost its connection (false).
    /// <paramref name="afterGap"/> is true when LISTEN was re-established after a loss: whatever changed in the gap
    /// was not heard, so subscribers re-read (boards re-query, caches drop what they hold).</summary>
    void OnListening(bool listening, bool afterGap);
}

/// <summary>The one LISTEN connection of an app instance, shared by every subscriber (tile invalidation, dispatch
/// boards): reconnects with back-off when the database goes away, and tells subscribers about the gap only once
/// LISTEN is in place again, so a re-query after the gap cannot itself fall into it.</summary>
public sealed class DbNotificationListener(NpgsqlDataSource dataSource, IEnumerable<IDbNotificationSubscriber> subscribers,
    ILogger<DbNotificationListener> log) : BackgroundService
{
    private readonly IDbNotificationSubscriber[] _subscribers = subscribers.ToArray();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place (tests wait for it before changing data).</summary>
    public Task Listening => _listening.Task;

    /// <summary>How many times LISTEN was re-established after a lost connection.</summary>
    public int Reconnects { get; private set; }

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channels = _subscribers.Select(s => s.Channel).Distinct(StringComparer.Ordinal).ToArray();
        if (channels.Length == 0) return;
        var lost = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) => Dispatch(e.Channel, e.Payload);
                foreach (var channel in channels)
                {
                    // channel names are compile-time constants, never input: identifiers cannot be parameters
                    await using var cmd = new NpgsqlCommand($"LISTEN {channel}", conn);
                    await cmd.ExecuteNonQueryAsync(stoppingToken);
                }
                if (lost) Reconnects++;
                Each(s => s.OnListening(true, lost));
                lost = false;
                _listening.TrySetResult();
                while (true) await conn.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                if (!lost) Each(s => s.OnListening(false, false));
                lost = true;
                log.LogWarning("database notifications lost their connection ({Message}); retrying in {Delay}", ex.Message, RetryDelay);
                try { await Task.Delay(RetryDelay, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        Each(s => s.OnListening(false, false));
    }

    /// <summary>Hands a notification to the channel's subscribers (the listener's path; tests call it directly).</summary>
    public void Dispatch(string channel, string payload)
    {
        foreach (var s in _subscribers)
        {
            if (!string.Equals(s.Channel, channel, StringComparison.Ordinal)) continue;
            try { s.OnNotification(payload); }
            catch (Exception ex) { log.LogWarning(ex, "a subscriber of {Channel} failed", channel); }
        }
    }

    private void Each(Action<IDbNotificationSubscriber> action)
    {
        foreach (var s in _subscribers)
        {
            try { action(s); }
            catch (Exception ex) { log.LogWarning(ex, "a subscriber of {Channel} failed", s.Channel); }
        }
    }
}

public static class DbNotificationSetup
{
    /// <summary>Adds a subscriber and, once per container, the listener that serves them all.</summary>
    public static IServiceCollection AddDbNotificationSubscriber<T>(this IServiceCollection services) where T : class, IDbNotificationSubscriber
    {
        services.AddSingleton<T>();
        services.AddSingleton<IDbNotificationSubscriber>(sp => sp.GetRequiredService<T>());
        if (services.Any(d => d.ServiceType == typeof(DbNotificationListener))) return services;
        services.AddSingleton<DbNotificationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<DbNotificationListener>());
        return services;
    }
}
