using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Geo.Tests.Infrastructure;

/// <summary>A local alarm linkage receiver on 127.0.0.1 (the fire system's side): counts each Idempotency-Key it
/// accepted; <c>Mode</c> "fail" answers 503, "slow" waits <c>SlowDelay</c> first.</summary>
public sealed class AlarmReceiver : IAsyncDisposable
{
    public readonly ConcurrentDictionary<string, int> Keys = new();
    public volatile string Mode = "ok";
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);
    public int Requests;
    private WebApplication? _app;
    public int Port { get; } = FreePort();

    public async Task StartAsync()
    {
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        _app = b.Build();
        _app.MapPost("/alarms", async (HttpRequest req) =>
        {
            Interlocked.Increment(ref Requests);
            switch (Mode)
            {
                case "fail": return Results.StatusCode(503);
                case "slow": await Task.Delay(SlowDelay); break;
            }
            var key = req.Headers["Idempotency-Key"].ToString();
            if (key.Length == 0) return Results.BadRequest();
            Keys.AddOrUpdate(key, 1, (_, n) => n + 1);
            return Results.Ok();
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
