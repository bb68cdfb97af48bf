using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Geo.Api.Auth;
using Geo.Api.Http;
using Geo.Api.Ogc;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Geo.Api;

/// <summary>The conventions every /api endpoint shares, set once: snake_case JSON (like the query parameters,
/// the OGC/GeoJSON properties and the asset attributes), one problem shape for every error, typed schemas,
/// operation ids and the three auth schemes in the OpenAPI document.</summary>
public static class ApiSetup
{
    public static IServiceCollection AddGeoApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<GeoExceptionHandler>();
        // a value the framework cannot bind (a non-numeric id, malformed JSON) is thrown, so the handler above
        // answers with the one problem shape naming the parameter, not an empty 400
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // OGC API Features requires an OpenAPI 3.0 definition (conformance class oas30); GDAL and QGIS read it
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                foreach (var (name, scheme) in SecuritySchemes) doc.Components.SecuritySchemes[name] = scheme;
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((op, ctx, _) =>
            {
                var d = ctx.Description;
                op.OperationId ??= OperationId(d.HttpMethod ?? "GET", d.RelativePath ?? "");
                var meta = d.ActionDescriptor.EndpointMetadata;
                if (meta.OfType<IAuthorizeData>().Any() && !meta.OfType<IAllowAnonymous>().Any())
                {
                    op.Security ??= [];
                    foreach (var name in SecuritySchemes.Keys)
                    {
                        op.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(name, ctx.Document)] = [] });
                    }
                }
                return Task.CompletedTask;
            });
        });
        services.AddOgcOpenApi();
        services.AddGeoOptions<SiteOptions>(SiteOptions.Section);
        services.AddSingleton<Ogc.OgcExtents>();
        return services;
    }

    /// <summary>The error half of the pipeline: exceptions (<see cref="GeoExceptionHandler"/>) and bodiless statuses
    /// (401, 403, 404, 405, …) both answer with the one problem shape.</summary>
    public static WebApplication UseGeoProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async ctx =>
        {
            if (Problems.ForStatus(ctx.HttpContext) is { } problem) await problem.ExecuteAsync(ctx.HttpContext);
            else await TypedResults.Problem(statusCode: ctx.HttpContext.Response.StatusCode).ExecuteAsync(ctx.HttpContext);
        });
        return app;
    }

    public static void Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        // Chinese names stay readable in responses; HTML-sensitive characters are still escaped
        o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    /// <summary>The options <see cref="AddGeoApi"/> gives /api, for code that serialises outside a result.</summary>
    public static JsonSerializerOptions Json { get; } = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(o);
        return o;
    }

    private static readonly Dictionary<string, OpenApiSecurityScheme> SecuritySchemes = new()
    {
        ["cookie"] = new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = "geo.auth", Description = "Web UI sign-in (POST /api/auth/signin)" },
        ["bearer"] = new() { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "Token from POST /api/auth/token" },
        ["api_key"] = new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = GeoAuth.ApiKeyHeader, Description = "Device and client keys (./geo users apikey)" },
    };

    /// <summary>"get" + the path's words: GET api/coverage/wifi → getCoverageWifi, POST api/incidents/{id}/transitions →
    /// postIncidentsByIdTransitions. Method and path are unique per operation, so the id is too.</summary>
    internal static string OperationId(string method, string path)
    {
        var words = path.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where((w, i) => !(i == 0 && w == "api"))
            .Select(w => w.StartsWith('{') ? "By" + Pascal(w.Trim('{', '}').Split(':')[0]) : Pascal(w));
        return method.ToLowerInvariant() + string.Concat(words);
    }

    private static string Pascal(string word) => string.Concat(word.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries)
        .Select(p => char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..]));
}
