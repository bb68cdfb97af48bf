using System.Text.Json.Nodes;
using Geo.Api.Query;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Geo.Api.Ogc;

/// <summary>How the OGC query parameters are described, as the OGC API – Features OpenAPI fragments do: limit an
/// integer with minimum, maximum and default, offset an integer, bbox an array of 4 or 6 numbers (form, not
/// exploded), crs/bbox-crs/filter-crs the supported CRS URIs, filter-lang an enum, and every scalar queryable as
/// an optional query parameter (GDAL pushes equality filters down only for names it finds there). The same
/// descriptions go into /openapi/v1.json and into the OGC document /openapi/ogc.json (the service-desc of /ogc),
/// whose paths are relative to the landing page, as GDAL and QGIS look them up (/collections/{collectionId}/items).
/// Parsing stays in <see cref="FeatureQuery.Plan"/>, which names the parameter at fault.</summary>
public static class OgcOpenApi
{
    public const string DocumentName = "ogc";

    public static IServiceCollection AddOgcOpenApi(this IServiceCollection services)
    {
        services.Configure<OpenApiOptions>("v1", o => o.AddOperationTransformer(DescribeParameters));
        services.AddOpenApi(DocumentName, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            o.ShouldInclude = d => d.RelativePath is { } p && (p == "ogc" || p.StartsWith("ogc/", StringComparison.Ordinal));
            o.AddOperationTransformer((op, ctx, ct) =>
            {
                op.OperationId ??= ApiSetup.OperationId(ctx.Description.HttpMethod ?? "GET", ctx.Description.RelativePath ?? "");
                return DescribeParameters(op, ctx, ct);
            });
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Geo OGC API – Features";
                doc.Servers = [new OpenApiServer { Url = "/ogc", Description = "the landing page" }];
                var paths = new OpenApiPaths();
                foreach (var (key, item) in doc.Paths)
                {
                    var relative = key == "/ogc" || key == "/ogc/" ? "/" : key.StartsWith("/ogc/", StringComparison.Ordinal) ? key[4..] : key;
                    paths[relative] = item;
                }
                doc.Paths = paths;
                return Task.CompletedTask;
            });
        });
        return services;
    }

    private static Task DescribeParameters(OpenApiOperation op, OpenApiOperationTransformerContext ctx, CancellationToken _)
    {
        var path = ctx.Description.RelativePath ?? "";
        var items = path is "ogc/collections/{collectionId}/items" or "api/export/{collectionId}";
        var feature = path == "ogc/collections/{collectionId}/items/{featureId}";
        if ((!items && !feature) || op.Parameters is null) return Task.CompletedTask;
        var maxLimit = path.StartsWith("api/", StringComparison.Ordinal) ? QueryApi.ExportMaxRows : FeatureQuery.MaxLimit;
        var defaultLimit = path.StartsWith("api/", StringComparison.Ordinal) ? QueryApi.ExportMaxRows : FeatureQuery.DefaultLimit;
        foreach (var p in op.Parameters.OfType<OpenApiParameter>())
        {
            switch (p.Name)
            {
                case "limit":
                    p.Description = $"The number of features in the page: 1 to {maxLimit}, default {defaultLimit}.";
                    p.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = maxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), Default = defaultLimit };
                    p.Style = ParameterStyle.Form; p.Explode = false;
                    break;
                case "offset":
                    p.Description = "How many features to skip (follow the next link rather than computing it).";
                    p.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0", Default = 0 };
                    break;
                case "bbox":
                    p.Description = "minLon,minLat,maxLon,maxLat (or 6 numbers with heights), in bbox-crs (default CRS84).";
                    p.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array, MinItems = 4, MaxItems = 6,
                        Items = new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
                    };
                    p.Style = ParameterStyle.Form; p.Explode = false;
                    break;
                case "crs" or "bbox-crs" or "filter-crs":
                    p.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Enum = [.. OutputCrs.Uris.Select(u => (JsonNode)u)] };
                    break;
                case "filter-lang":
                    p.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["cql2-text"], Default = "cql2-text" };
                    break;
                case "filter":
                    p.Description = "A CQL2-text expression over the collection's queryables (see its queryables link).";
                    break;
                case "datetime":
                    p.Description = "An instant or an interval (start/end, '..' open) on updated_at, RFC 3339.";
                    break;
                case "f":
                    p.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Enum = items && path.StartsWith("api/", StringComparison.Ordinal) ? ["json", "csv", "shp"] : feature ? ["json", "html"] : ["json", "csv", "html"],
                    };
                    break;
            }
        }
        if (items)
        {
            // every scalar queryable of any collection (a name that is not a queryable of the requested one is a 400 naming it)
            var known = new HashSet<string>(op.Parameters.Select(x => x.Name ?? ""), StringComparer.OrdinalIgnoreCase);
            foreach (var q in OgcCollections.AllQueryables().Where(q => q.Type != QType.Geometry && known.Add(q.Name)))
            {
                op.Parameters.Add(new OpenApiParameter
                {
                    Name = q.Name, In = ParameterLocation.Query, Required = false, Style = ParameterStyle.Form, Explode = false,
                    Description = $"Equality filter on the queryable '{q.Name}' ({q.Title}), where the collection has it.",
                    Schema = new OpenApiSchema
                    {
                        Type = q.Type switch { QType.Integer => JsonSchemaType.Integer, QType.Number => JsonSchemaType.Number, QType.Boolean => JsonSchemaType.Boolean, _ => JsonSchemaType.String },
                        Format = q.Type == QType.Timestamp ? "date-time" : null,
                        Enum = q.Enum is { } e ? [.. e.Select(v => (JsonNode)v)] : null,
                    },
                });
            }
        }
        return Task.CompletedTask;
    }
}
