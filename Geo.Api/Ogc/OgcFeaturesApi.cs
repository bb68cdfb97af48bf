using System.Text.Json;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Api.Scale;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Api.Ogc;

/// <summary>OGC API – Features at /ogc: Part 1 core + GeoJSON + OpenAPI 3.0, Part 2 CRS, Part 3 CQL2-text
/// filtering with queryables, plus sortby and properties. Collections are the asset kinds and region levels.</summary>
public static class OgcFeaturesApi
{
    /// <param name="openApiPath">Where the host serves the OpenAPI 3.0 document (/ogc/api redirects there).</param>
    /// <param name="docsPath">The browsable API UI, linked as service-doc.</param>
    public static RouteGroupBuilder MapOgcFeaturesApi(this IEndpointRouteBuilder app, string openApiPath = "/openapi/v1.json", string? docsPath = "/scalar/v1")
    {
        // pages of at most FeatureQuery.MaxLimit rows, served by GiST and key indexes: bounded like a tile
        var g = app.MapGroup("/ogc").WithTags("OGC API Features").AddEndpointFilter(new BadInputFilter("filter")).Cheap();
        g.MapGet("/", (HttpRequest r, SiteOptions config) => OgcHtml.Wanted(r)
                ? OgcHtml.Landing(r, OgcCollections.Listed(config, r.HttpContext.User), docsPath)
                : Results.Json(OgcDocuments.Landing(r, openApiPath, docsPath), Links.Options))
            .Produces<OgcLanding>(StatusCodes.Status200OK, Links.Json, "text/html")
            .WithSummary("Landing page (JSON, or HTML with f=html or a browser's Accept header)");
        g.MapGet("/conformance", () => TypedResults.Json(OgcDocuments.Conformance(), Links.Options)).WithSummary("Conformance classes")
            .Produces<OgcConformance>(StatusCodes.Status200OK, Links.Json);
        g.MapGet("/api", (HttpRequest r, CancellationToken ct) => ApiDefinitionAsync(r, openApiPath, ct)).WithSummary("The OpenAPI 3.0 definition")
            .Produces<JsonElement>(StatusCodes.Status200OK, OpenApiMediaType).Produces(StatusCodes.Status302Found);
        g.MapGet("/collections", async (HttpRequest r, SiteOptions config, OgcExtents extents, CancellationToken ct) => OgcHtml.Wanted(r)
                ? OgcHtml.Collections(r, OgcCollections.Listed(config, r.HttpContext.User))
                : Results.Json(OgcDocuments.Collections(r, OgcCollections.Listed(config, r.HttpContext.User), await extents.AllAsync(ct)), Links.Options)).WithSummary("Feature collections")
            .Produces<OgcCollectionList>(StatusCodes.Status200OK, Links.Json, "text/html");
        g.MapGet("/collections/{collectionId}", Collection).WithSummary("One collection's metadata")
            .Produces<OgcCollectionInfo>(StatusCodes.Status200OK, Links.Json, "text/html");
        g.MapGet("/collections/{collectionId}/queryables", Queryables).WithSummary("Queryable properties (JSON Schema)")
            .Produces<Dictionary<string, JsonElement>>(StatusCodes.Status200OK, "application/schema+json");
        g.MapGet("/collections/{collectionId}/items", Items).WithSummary("Features, paged and filtered")
            .Produces<GeoJsonFeatureCollection>(StatusCodes.Status200OK, Links.GeoJson, "text/csv", "text/html");
        g.MapGet("/collections/{collectionId}/items/{featureId}", Item).WithSummary("One feature")
            .Produces<GeoJsonFeature>(StatusCodes.Status200OK, Links.GeoJson, "text/html");
        return g;
    }

    /// <summary>The service-desc media type the landing page links /ogc/api with.</summary>
    public const string OpenApiMediaType = "application/vnd.oai.openapi+json;version=3.0";

    /// <summary>The OpenAPI 3.0 document the host serves at <paramref name="openApiPath"/> (/openapi/NAME.json), answered
    /// here as the OGC landing page's service-desc; a redirect to it when no such document is registered.</summary>
    private static async Task<IResult> ApiDefinitionAsync(HttpRequest r, string openApiPath, CancellationToken ct)
    {
        var name = System.Text.RegularExpressions.Regex.Match(openApiPath, @"^/openapi/([^/]+)\.json$") is { Success: true } m ? m.Groups[1].Value : null;
        if (name is null || r.HttpContext.RequestServices.GetKeyedService<IOpenApiDocumentProvider>(name) is not { } provider)
            return TypedResults.Redirect(Links.Root(r) + openApiPath);
        var doc = await provider.GetOpenApiDocumentAsync(ct);
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        doc.SerializeAsV3(new OpenApiJsonWriter(writer));
        return TypedResults.Text(writer.ToString(), OpenApiMediaType);
    }

    private static async Task<IResult> Collection(string collectionId, HttpRequest r, SiteOptions config, OgcExtents extents, CancellationToken ct) =>
        OgcCollections.Find(config, r.HttpContext.User, collectionId) is not { } c ? UnknownCollection(collectionId)
        : OgcHtml.Wanted(r) ? OgcHtml.Collection(r, c, config, await extents.GetAsync(c, ct))
        : TypedResults.Json(OgcDocuments.Collection(r, c, await extents.GetAsync(c, ct)), Links.Options);

    private static Results<JsonHttpResult<object>, ProblemHttpResult> Queryables(string collectionId, HttpRequest r, SiteOptions config) =>
        OgcCollections.Find(config, r.HttpContext.User, collectionId) is { } c
            ? TypedResults.Json(OgcDocuments.Queryables(r, c), Links.Options, "application/schema+json")
            : UnknownCollection(collectionId);

    private static async Task<IResult> Items(
        string collectionId, [AsParameters] ItemsParameters p, HttpContext http, SiteOptions config, GeoReads reads, CancellationToken ct)
    {
        var ds = reads.For(http); // lag-tolerant: the standby when it is current enough
        if (OgcCollections.Find(config, http.User, collectionId) is not { } c) return UnknownCollection(collectionId);
        var plan = FeatureQuery.Plan(c, p, http.Request.Query, OgcCollections.ExposedKinds(config, http.User),
            fallback: OgcHtml.Wanted(http.Request) ? OutputFormat.Html : OutputFormat.GeoJson);
        if (plan.Format == OutputFormat.Html)
        {
            var rows = await FeatureReader.OpenAsync(ds, FeatureSql.Csv(plan, plan.Limit + 1), plan.Params, ct);
            http.Response.RegisterForDisposeAsync(rows);
            return new HtmlItemsResult(rows, plan, FeatureSql.CsvColumns(plan).Select(q => q.Name).ToArray(), OgcHtml.MapUrl(config));
        }
        return await RespondAsync(plan, http, ds, paged: true, c.Id, ct);
    }

    private static async Task<IResult> Item(
        string collectionId, string featureId, [AsParameters] ItemsParameters p, HttpContext http, SiteOptions config, GeoReads reads, CancellationToken ct)
    {
        var ds = reads.For(http);
        if (OgcCollections.Find(config, http.User, collectionId) is not { } c) return UnknownCollection(collectionId);
        if (!long.TryParse(featureId, out var id)) return Problems.NotFound("featureId", $"no feature '{featureId}' in '{c.Id}' (ids are integers)");
        var plan = FeatureQuery.Plan(c, p, http.Request.Query, OgcCollections.ExposedKinds(config, http.User),
            formats: [OutputFormat.GeoJson, OutputFormat.Html], fallback: OgcHtml.Wanted(http.Request) ? OutputFormat.Html : OutputFormat.GeoJson);
        var json = await RawJsonResult.QueryAsync(ds, FeatureSql.Single(plan, plan.Params.Add(id, NpgsqlDbType.Bigint)), plan.Params, ct);
        if (json is null) return Problems.NotFound("featureId", $"no feature {id} in '{c.Id}'");
        if (plan.Format == OutputFormat.Html) return OgcHtml.Feature(http.Request, c, json, config);
        var self = $"{Links.Root(http.Request)}/ogc/collections/{c.Id}";
        var links = System.Text.Json.JsonSerializer.Serialize(new[]
        {
            new Link(Links.Self(http.Request), "self", Links.GeoJson, "this feature"),
            new Link(self, "collection", Links.Json, c.Title),
        }, Links.Options);
        return new RawJsonResult(json[..^1] + ",\"links\":" + links + "}", Links.GeoJson, plan.Crs.Uri);
    }

    /// <summary>Opens the query (so input PostgreSQL rejects is still a 400) and streams it as GeoJSON or CSV.</summary>
    internal static async Task<Results<GeoJsonPageResult, CsvResult, ProblemHttpResult>> RespondAsync(
        FeaturePlan plan, HttpContext http, NpgsqlDataSource ds, bool paged, string name, CancellationToken ct)
    {
        if (plan.Format == OutputFormat.Csv)
        {
            var csv = await FeatureReader.OpenAsync(ds, FeatureSql.Csv(plan), plan.Params, ct);
            http.Response.RegisterForDisposeAsync(csv);
            return new CsvResult(csv, FeatureSql.CsvColumns(plan).Select(q => q.Name).ToArray(), name + ".csv");
        }
        var counted = paged && FeatureSql.UseCountedPage(plan);
        var rows = await FeatureReader.OpenAsync(ds, counted ? FeatureSql.CountedPage(plan) : FeatureSql.Page(plan), plan.Params, ct,
            countSql: paged && !counted ? FeatureSql.Count(plan, FeatureSql.CountCap) : null);
        http.Response.RegisterForDisposeAsync(rows);
        return new GeoJsonPageResult(rows, plan, paged);
    }

    internal static ProblemHttpResult UnknownCollection(string id) =>
        Problems.NotFound("collectionId", $"no collection '{id}'; see /ogc/collections");
}
