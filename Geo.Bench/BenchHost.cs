using Geo.Api;
using Geo.Api.Auth;
using Geo.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Geo.Bench;

/// <summary>The in-process web host a benchmark drives over real HTTP on 127.0.0.1: the web host's data, use-case,
/// API and auth services, with only the endpoints the benchmark needs mapped.</summary>
internal static class BenchHost
{
    public static async Task<WebApplication> StartAsync(string cs, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:Geo"] = cs;
        // the bench measures requests, not the start-up scorecard computation (minutes over a million assets on
        // two cores, in the background, in the middle of the first measurement window)
        builder.Configuration[$"{Geo.Core.Scorecard.ScorecardOptions.Section}:WarmOnStart"] = Environment.GetEnvironmentVariable("GEO_BENCH_WARM_SCORECARD") ?? "false";
        builder.Services.AddGeoData(builder.Configuration);
        builder.Services.AddGeoUseCases(builder.Configuration);
        builder.Services.AddGeoApi();
        builder.Services.AddGeoAuth(builder.Configuration);
        builder.Services.AddGeoBackgroundWork(builder.Configuration); // the change-feed reader and scorecard warm-up, as the web host
        var app = builder.Build();
        app.UseGeoProblems();
        app.UseAuthentication();
        app.UseAuthorization();
        map(app);
        await app.StartAsync();
        return app;
    }
}
