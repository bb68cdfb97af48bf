using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Geo.Api.Http;
using Geo.Api.Ogc;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Api.Query;

/// <summary>Body of POST /api/query/within: a GeoJSON Polygon/MultiPolygon (or Feature) or a region code.</summary>
public sealed record WithinRequest(
    [property: JsonPropertyName("geometry")] JsonElement? Geometry,
    [property: JsonPropertyName("region_code")] string? RegionCode,
    [property: JsonPropertyName("kinds")] string? Kinds,
    [property: JsonPropertyName("crs")] string? Crs,
    [property: JsonPropertyName("limit")] int? Limit);

public static partial class QueryApi
{
    /// <summary>A query polygon is at most this many vertices and this many degrees across (over twice the
    /// district): enough for any hand-drawn or administrative boundary, not a denial of service.</summary>
    public const int WithinMaxVertices = 10_000;
    public const double WithinMaxSpanDeg = 1.0;
    public const int WithinDefaultLimit = 1_000;

    private static readonly JsonSerializerOptions GeoJsonReader = GeoJsonOptions.With(new JsonSerializerOptions { PropertyNameCaseInsensitive = true });

    /// <summary>Assets intersecting the polygon (points on its boundary count as inside), counts by kind and
    /// status over all of them, and the first <c>limit</c> as GeoJSON features; f=csv and f=shp export them all.</summary>
    private static async Task<IResult> Within(
        HttpContext http, [FromQuery(Name = "f")] string? f, SiteOptions config, NpgsqlDataSource ds, CancellationToken ct)
    {
        var format = FeatureQuery.Format(f, FeatureQuery.ExportFormats);
        WithinRequest body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<WithinRequest>(http.Request.Body, GeoJsonReader, ct)
                ?? throw GeoException.BadInput("body", "the request body is empty");
        }
        catch (JsonException ex)
        {
            throw GeoException.BadInput("body", "the request body is not valid JSON: " + ex.Message);
        }
        var limit = body.Limit ?? WithinDefaultLimit;
        if (limit is < 1 or > FeatureQuery.MaxLimit) throw GeoException.BadInput("limit", $"'limit' must be between 1 and {FeatureQuery.MaxLimit}");
        var kinds = ParseKinds(body.Kinds, config, http.User, null);

        var sql = new SqlParams();
        string area;
        if (body.Geometry is { ValueKind: not JsonValueKind.Null } geoJson)
        {
            if (body.RegionCode is not null) throw GeoException.BadInput("region_code", "give either 'geometry' or 'region_code', not both");
            var g = InputCrs.ToWgs84(ReadPolygon(geoJson), InputCrs.Parse(body.Crs));
            area = sql.Add(g, NpgsqlDbType.Geometry);
        }
        else if (!string.IsNullOrWhiteSpace(body.RegionCode))
        {
            await using var check = ds.CreateCommand("SELECT 1 FROM regions WHERE code = $1");
            check.Parameters.Add(new NpgsqlParameter { Value = body.RegionCode, NpgsqlDbType = NpgsqlDbType.Text });
            if (await check.ExecuteScalarAsync(ct) is null) return Problems.NotFound("region_code", $"no region with code '{body.RegionCode}'");
            area = $"(SELECT geom FROM regions WHERE code = {sql.Add(body.RegionCode, NpgsqlDbType.Text)})";
        }
        else
        {
            throw GeoException.BadInput("geometry", "give a GeoJSON 'geometry' (Polygon or MultiPolygon) or a 'region_code'");
        }

        var where = $"t.kind = ANY({sql.Add(kinds.Select(k => k.Code()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}) AND ST_Intersects(t.geom, {area})";
        var plan = new FeaturePlan
        {
            Collection = OgcCollections.AllAssets, Where = where, Params = sql, OrderBy = "t.id",
            Limit = format == OutputFormat.GeoJson ? limit : ExportMaxRows, Offset = 0, Crs = OutputCrs.Crs84, Format = format,
        };
        if (format == OutputFormat.Shapefile) return await ShapefileAsync(plan, http, ds, "within", ct);
        if (format == OutputFormat.Csv)
        {
            var rows = await FeatureReader.OpenAsync(ds, FeatureSql.Csv(plan), sql, ct);
            http.Response.RegisterForDisposeAsync(rows);
            return new CsvResult(rows, FeatureSql.CsvColumns(plan).Select(q => q.Name).ToArray(), "within.csv");
        }

        await using var conn = await ds.OpenConnectionAsync(ct);
        var counts = new List<object>();
        var byKind = new SortedDictionary<string, long>();
        var byStatus = new SortedDictionary<string, long>();
        long total = 0;
        await using (var cmd = sql.CreateCommand(conn, $"SELECT t.kind, t.status, count(*) FROM assets t WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var (kind, status, n) = (r.GetString(0), r.GetString(1), r.GetInt64(2));
                counts.Add(new { kind, status, count = n });
                byKind[kind] = byKind.GetValueOrDefault(kind) + n;
                byStatus[status] = byStatus.GetValueOrDefault(status) + n;
                total += n;
            }
        }
        var sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        var returned = 0;
        await using (var cmd = sql.CreateCommand(conn, $"SELECT {FeatureSql.FeatureText(plan)} FROM assets t WHERE {where} ORDER BY t.id LIMIT {limit}"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                if (returned++ > 0) sb.Append(',');
                sb.Append(r.GetString(0));
            }
        }
        sb.Append("],\"numberMatched\":").Append(total).Append(",\"numberReturned\":").Append(returned).Append(",\"counts\":")
          .Append(JsonSerializer.Serialize(new { by_kind = byKind, by_status = byStatus, by_kind_status = counts }, Links.Options)).Append('}');
        return TypedResults.Content(sb.ToString(), Links.GeoJson, Encoding.UTF8);
    }

    private static Geometry ReadPolygon(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "Feature")
        {
            json = json.TryGetProperty("geometry", out var inner) ? inner : throw GeoException.BadInput("geometry", "the Feature has no geometry");
        }
        Geometry? g;
        try
        {
            g = json.Deserialize<Geometry>(GeoJsonReader);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw GeoException.BadInput("geometry", "'geometry' is not valid GeoJSON: " + ex.Message);
        }
        if (g is not (Polygon or MultiPolygon)) throw GeoException.BadInput("geometry", $"'geometry' must be a Polygon or MultiPolygon, got {g?.GeometryType ?? "nothing"}");
        // an empty coordinates array used to answer 200 with nothing inside
        if (g.IsEmpty) throw GeoException.BadInput("geometry", "'geometry' has no coordinates");
        if (g.NumPoints > WithinMaxVertices) throw GeoException.BadInput("geometry", $"'geometry' is oversized: {g.NumPoints} vertices, at most {WithinMaxVertices}");
        var e = g.EnvelopeInternal;
        if (e.MinX < -180 || e.MaxX > 180 || e.MinY < -90 || e.MaxY > 90) throw GeoException.BadInput("geometry", "'geometry' has coordinates out of range (lon in [-180, 180], lat in [-90, 90])");
        if (e.Width > WithinMaxSpanDeg || e.Height > WithinMaxSpanDeg) throw GeoException.BadInput("geometry", $"'geometry' is oversized: it may span at most {WithinMaxSpanDeg} degree on each axis");
        var err = new IsValidOp(g).ValidationError;
        if (err is not null) throw GeoException.BadInput("geometry", $"'geometry' is not a valid polygon: {err.Message} at ({err.Coordinate.X}, {err.Coordinate.Y})");
        g.SRID = GeoFactory.Srid;
        return g;
    }
}
