using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Geo.Core.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Npgsql;

namespace Geo.Api.Ogc;

public sealed record Link(
    [property: JsonPropertyName("href")] string Href,
    [property: JsonPropertyName("rel")] string Rel,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null);

public static class Links
{
    public const string GeoJson = "application/geo+json";
    public const string Json = "application/json";

    public static string Root(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}";

    public static string Self(HttpRequest r) => $"{Root(r)}{r.Path}{r.QueryString}";

    /// <summary>The current URL with some query parameters replaced (null removes one).</summary>
    public static string With(HttpRequest r, params (string Key, string? Value)[] changes)
    {
        var q = r.Query.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in changes)
        {
            if (v is null) q.Remove(k); else q[k] = v;
        }
        return QueryHelpers.AddQueryString($"{Root(r)}{r.Path}", q.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v))));
    }

    /// <summary>The whole result of the current query (every filter kept, paging dropped) from /api/export/{id}:
    /// an items page's "CSV export" link must not stop at the page's limit.</summary>
    public static string Export(HttpRequest r, string collectionId, string format)
    {
        var q = r.Query.Where(kv => kv.Key is not ("offset" or "limit" or "f"))
            .SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)))
            .Append(new KeyValuePair<string, string?>("f", format));
        return QueryHelpers.AddQueryString($"{Root(r)}/api/export/{Uri.EscapeDataString(collectionId)}", q);
    }

    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>Streams a FeatureCollection page straight from the reader into the response's PipeWriter: each
/// feature is UTF-8 JSON PostgreSQL wrote, copied as raw bytes (no string, no DOM, no per-row allocation),
/// then numberReturned, numberMatched (see <see cref="FeatureSql.CountedPage"/>), timeStamp and links.</summary>
public sealed class GeoJsonPageResult(FeatureReader rows, FeaturePlan plan, bool paged) : IResult
{
    private const int FlushBytes = 1 << 16;
    private static readonly byte[] Head = "{\"type\":\"FeatureCollection\",\"features\":["u8.ToArray();

    public async Task ExecuteAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var req = http.Request;
        http.Response.ContentType = Links.GeoJson;
        http.Response.Headers["Content-Crs"] = $"<{plan.Crs.Uri}>";
        var w = http.Response.BodyWriter;
        w.Write(Head);

        long? counted = rows.Count <= FeatureSql.CountCap ? rows.Count : null;
        if (rows.HasRow && !rows.Reader.IsDBNull(0))
        {
            counted = rows.Reader.GetInt64(0);
            if (counted > FeatureSql.CountCap)
            {
                // more matches than the cap: the counted page came from an arbitrary subset, so page again without it;
                // the first page counts exactly (a second query, capped), later pages leave numberMatched out
                counted = plan.Offset == 0 ? await rows.ScalarAsync(FeatureSql.Count(plan), plan.Params, ct) : null;
                if (counted > FeatureSql.ExactCountCap) counted = null;
                await rows.ReopenAsync(FeatureSql.Page(plan), plan.Params, ct);
            }
        }

        var returned = 0;
        var hasNext = false;
        long unflushed = 0;
        while (rows.HasRow)
        {
            if (returned == plan.Limit) { hasNext = true; break; }
            if (returned > 0) { w.GetSpan(1)[0] = (byte)','; w.Advance(1); }
            unflushed += await CopyFieldAsync(rows.Reader, 1, w, ct);
            returned++;
            if (unflushed >= FlushBytes)
            {
                await w.FlushAsync(ct);
                unflushed = 0;
            }
            await rows.NextAsync(ct);
        }
        await rows.CloseReaderAsync();

        long? matched = counted ?? (!hasNext && (returned > 0 || plan.Offset == 0) ? plan.Offset + returned : null);
        var tail = new StringBuilder(512);
        tail.Append(CultureInfo.InvariantCulture, $"],\"numberReturned\":{returned}");
        if (matched is { } m) tail.Append(CultureInfo.InvariantCulture, $",\"numberMatched\":{m}");
        // a page says when it was taken; an export leaves it out, so the same data gives the same bytes (ETag, ranges)
        if (paged) tail.Append(CultureInfo.InvariantCulture, $",\"timeStamp\":\"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}\"");
        tail.Append(",\"links\":");
        var links = new List<Link>
        {
            new(Links.Self(req), "self", Links.GeoJson, "this page"),
            new(Links.Export(req, plan.Collection.Id, "csv"), "alternate", "text/csv", "CSV export (every match)"),
        };
        if (paged)
        {
            links.Add(new(Links.With(req, ("f", "html")), "alternate", "text/html", "this page as HTML"));
            if (hasNext) links.Add(new(Links.With(req, ("offset", (plan.Offset + plan.Limit).ToString(CultureInfo.InvariantCulture)), ("limit", plan.Limit.ToString(CultureInfo.InvariantCulture))), "next", Links.GeoJson, "next page"));
            if (plan.Offset > 0) links.Add(new(Links.With(req, ("offset", Math.Max(0, plan.Offset - plan.Limit).ToString(CultureInfo.InvariantCulture)), ("limit", plan.Limit.ToString(CultureInfo.InvariantCulture))), "prev", Links.GeoJson, "previous page"));
        }
        tail.Append(JsonSerializer.Serialize(links, Links.Options)).Append('}');
        Encoding.UTF8.GetBytes(tail.ToString(), w);
        await w.FlushAsync(ct);
    }

    /// <summary>Copies a text column's raw bytes (UTF-8: the connection's client encoding) into the writer.</summary>
    private static async ValueTask<long> CopyFieldAsync(NpgsqlDataReader reader, int ordinal, PipeWriter w, CancellationToken ct)
    {
        await using var s = reader.GetStream(ordinal);
        long total = 0;
        while (true)
        {
            var n = await s.ReadAsync(w.GetMemory(4096), ct);
            if (n == 0) return total;
            w.Advance(n);
            total += n;
        }
    }
}

/// <summary>CSV for Excel: UTF-8 with a byte-order mark (else Excel reads 中文 as GBK mojibake), CRLF rows,
/// id/lon/lat first.</summary>
public sealed class CsvResult(FeatureReader rows, IReadOnlyList<string> columns, string fileName) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = new StringValues($"attachment; filename=\"{fileName}\"");
        await using var w = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await w.WriteAsync('\uFEFF');
        await w.WriteAsync(string.Join(",", new[] { "id", "lon", "lat" }.Concat(columns).Select(Escape)) + "\r\n");
        var sb = new StringBuilder();
        while (rows.HasRow)
        {
            sb.Clear();
            var r = rows.Reader;
            for (var i = 0; i < r.FieldCount; i++)
            {
                if (i > 0) sb.Append(',');
                if (r.IsDBNull(i)) continue;
                sb.Append(i switch
                {
                    0 => r.GetInt64(0).ToString(CultureInfo.InvariantCulture),
                    1 or 2 => r.GetDouble(i).ToString("0.#######", CultureInfo.InvariantCulture),
                    _ => Escape(r.GetString(i)),
                });
            }
            sb.Append("\r\n");
            await w.WriteAsync(sb);
            await rows.NextAsync(ct);
        }
    }

    public static string Escape(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}

/// <summary>A JSON document (GeoJSON Feature, FeatureCollection) PostgreSQL already wrote as text.</summary>
public sealed class RawJsonResult(string json, string contentType, string? contentCrs = null) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = contentType;
        if (contentCrs is not null) http.Response.Headers["Content-Crs"] = $"<{contentCrs}>";
        // a known length: headers and body leave in one write, with no chunk framing or terminating chunk
        var bytes = Encoding.UTF8.GetBytes(json);
        http.Response.ContentLength = bytes.Length;
        return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }

    public static async Task<string?> QueryAsync(NpgsqlDataSource ds, string sql, SqlParams p, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var cmd = p.CreateCommand(conn, sql);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
