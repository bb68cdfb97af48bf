using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Geo.Api.Http;

/// <summary>What every HTTP client expects of a server, in one place: HEAD wherever GET is, Brotli/gzip for the
/// text formats, and CORS for the public read endpoints (configurable). Range requests live on the exports
/// (<see cref="RangeableFileResult"/>).</summary>
public static class HttpBasics
{
    public const string CorsPolicy = "public-read";

    /// <summary>Geo:Cors:Origins: origins allowed to read the public endpoints from a browser ("*" = any; an empty
    /// list turns CORS off). Reads only (GET, HEAD), without credentials: a page on another origin sees exactly what
    /// an anonymous visitor sees, and cannot write or act as a signed-in user.</summary>
    public const string OriginsKey = "Geo:Cors:Origins";

    /// <summary>Path prefixes CORS applies to: the public read surface.</summary>
    public static readonly string[] PublicReadPrefixes =
        ["/ogc", "/tiles", "/api/nearby", "/api/locate", "/api/export", "/open311/v2", "/openapi"];

    /// <summary>Text formats worth compressing; zip, PNG and vector tiles are left alone.</summary>
    public static readonly string[] CompressedTypes =
        ["application/json", "application/geo+json", "application/schema+json", "application/problem+json", "text/csv", "text/html",
         "text/xml", "application/xml", "application/vnd.oai.openapi+json", "text/css", "text/javascript", "application/javascript",
         "image/svg+xml", "application/manifest+json"];

    public static IServiceCollection AddGeoHttpBasics(this IServiceCollection services, IConfiguration config)
    {
        services.AddResponseCompression(o =>
        {
            // the bodies are public data or the caller's own; no secret is reflected next to attacker input (BREACH)
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = CompressedTypes;
        });
        // Brotli at Fastest (quality 1) barely beat gzip-fastest on GeoJSON (16.2 kB of 22.3 kB); Optimal is quality 4
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        var origins = config.GetSection(OriginsKey).Get<string[]>() ?? ["*"];
        services.AddCors(o => o.AddPolicy(CorsPolicy, p =>
        {
            if (origins.Contains("*")) p.AllowAnyOrigin(); else p.WithOrigins(origins);
            p.WithMethods(HttpMethods.Get, HttpMethods.Head).WithHeaders(HeaderNames.Accept, HeaderNames.AcceptLanguage, HeaderNames.Range, HeaderNames.IfRange)
                .WithExposedHeaders("Content-Crs", HeaderNames.ContentRange, HeaderNames.ContentDisposition, HeaderNames.ETag, HeaderNames.Link)
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return services;
    }

    /// <summary>Call before authentication: compression, HEAD-as-GET, routing, CORS for the public read prefixes.</summary>
    public static WebApplication UseGeoHttpBasics(this WebApplication app)
    {
        app.UseResponseCompression();
        app.Use(HeadAsGetAsync);
        app.UseRouting();
        if ((app.Configuration.GetSection(OriginsKey).Get<string[]>() ?? ["*"]).Length > 0)
        {
            app.UseWhen(ctx => PublicReadPrefixes.Any(p => ctx.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)),
                b => b.UseCors(CorsPolicy));
        }
        return app;
    }

    /// <summary>HEAD is GET without the body (RFC 9110 §9.3.2): the request runs as GET into a counting sink, and the
    /// response keeps GET's status and headers with the length the body would have had. So every GET route answers
    /// HEAD without a second mapping, and the OpenAPI document lists each operation once.</summary>
    private static async Task HeadAsGetAsync(HttpContext ctx, RequestDelegate next)
    {
        if (!HttpMethods.IsHead(ctx.Request.Method))
        {
            await next(ctx);
            return;
        }
        ctx.Request.Method = HttpMethods.Get;
        var original = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        var sink = new CountingSink();
        var body = new StreamResponseBodyFeature(sink);
        ctx.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(ctx);
            await body.CompleteAsync();
        }
        finally
        {
            ctx.Features.Set(original);
            ctx.Request.Method = HttpMethods.Head;
        }
        if (!ctx.Response.HasStarted && ctx.Response.ContentLength is null) ctx.Response.ContentLength = sink.Length;
    }

    private sealed class CountingSink : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>An export rendered to a temporary file first, then served with a length, a strong ETag (SHA-256 of
/// the bytes) and range processing (206, Content-Range, If-Range), so /vsicurl/ and /vsizip/ can read parts of
/// it and a download can resume. The same data gives the same bytes, so a range taken from a second rendering
/// fits the first; when the data changed in between, the ETag differs and If-Range answers with the whole file.</summary>
public sealed class RangeableFileResult(IResult inner) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var dir = Directory.CreateTempSubdirectory("geo-export-");
        var path = Path.Combine(dir.FullName, "body");
        try
        {
            var original = http.Features.Get<IHttpResponseBodyFeature>()!;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var body = new StreamResponseBodyFeature(file);
                http.Features.Set<IHttpResponseBodyFeature>(body);
                try
                {
                    await inner.ExecuteAsync(http);
                    await body.CompleteAsync();
                }
                finally
                {
                    http.Features.Set(original);
                }
            }
            string hash;
            await using (var read = File.OpenRead(path)) hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, http.RequestAborted))[..32];
            var type = http.Response.ContentType ?? "application/octet-stream";
            await TypedResults.PhysicalFile(path, type, entityTag: new EntityTagHeaderValue($"\"{hash}\""), enableRangeProcessing: true).ExecuteAsync(http);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { /* a temp directory; the OS cleans up */ }
        }
    }
}
