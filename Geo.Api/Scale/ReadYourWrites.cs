using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Geo.Core.Common;

namespace Geo.Api.Scale;

/// <summary>Read-your-writes over a lagging standby: every successful write answers with the primary's WAL position
/// after it (cookie <see cref="Cookie"/>, header <see cref="Header"/>); a lag-tolerant read carrying a position the
/// standby has not replayed yet goes to the primary. A resident who files a case sees it at once; everyone else reads
/// at most <see cref="ReplicaOptions.MaxLag"/> behind.</summary>
public static class ReadYourWrites
{
    public const string Cookie = "geo_lsn";
    public const string Header = "X-Geo-Lsn";

    /// <summary>The WAL position the caller must see (0: none), from the header or the cookie.</summary>
    public static ulong MinLsn(HttpRequest request)
    {
        ulong min = 0;
        if (Lsn.TryParse(request.Headers[Header].ToString(), out var h)) min = h;
        if (request.Cookies.TryGetValue(Cookie, out var c) && Lsn.TryParse(c, out var k) && k > min) min = k;
        return min;
    }

    public static IApplicationBuilder UseGeoReadYourWrites(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var reads = ctx.RequestServices.GetRequiredService<GeoReads>();
        var method = ctx.Request.Method;
        if (reads.Configured && !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
            && !ctx.Request.Path.StartsWithSegments("/_blazor"))
        {
            ctx.Response.OnStarting(async () =>
            {
                if (ctx.Response.StatusCode >= 400) return;
                try
                {
                    var lsn = Lsn.Format(await reads.PrimaryLsnAsync(CancellationToken.None));
                    ctx.Response.Headers[Header] = lsn;
                    ctx.Response.Cookies.Append(Cookie, lsn, new CookieOptions
                    {
                        HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = TimeSpan.FromMinutes(5), IsEssential = true,
                    });
                }
                catch (Npgsql.NpgsqlException)
                {
                    // the write is done; without a position the caller's next reads may lag by at most MaxLag
                }
            });
        }
        await next();
    });

    /// <summary>Registers <see cref="GeoReads"/> (always: without <c>ConnectionStrings:GeoRead</c> every read goes to the
    /// primary) and, with a replica, its monitor.</summary>
    public static IServiceCollection AddGeoReplica(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGeoOptions<ReplicaOptions>(ReplicaOptions.Section, o => o.Problems());
        var replica = configuration.GetConnectionString("GeoRead");
        services.AddSingleton(sp => new GeoReads(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), replica, sp.GetRequiredService<ReplicaOptions>()));
        if (!string.IsNullOrWhiteSpace(replica)) services.AddHostedService<ReplicaMonitor>();
        return services;
    }
}
