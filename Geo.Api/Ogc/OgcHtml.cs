using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Geo.Api.Ogc;

/// <summary>HTML for people at the OGC URLs (f=html, or a browser's Accept: text/html without f): landing page,
/// collections, one collection, items as a table. Labels are zh-CN with English. Plain server-rendered HTML with
/// no script, so it works in any browser and costs the JSON clients nothing.</summary>
public static class OgcHtml
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>Where the map lives; items link to it with ?layer={collection id}.</summary>
    public const string MapUrlKey = "Geo:MapUrl";

    private static readonly HtmlEncoder Enc = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>f=html, or no f and an Accept header that names text/html (browsers do; GDAL and QGIS do not).</summary>
    public static bool Wanted(HttpRequest r)
    {
        var f = r.Query["f"].ToString();
        if (f.Length > 0) return f.Equals("html", StringComparison.OrdinalIgnoreCase) || f.Equals("text/html", StringComparison.OrdinalIgnoreCase);
        return r.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }

    public static string E(string? s) => s is null ? "" : Enc.Encode(s);

    public static string MapUrl(SiteOptions config) => config.MapUrl is { Length: > 0 } url ? url : "/";

    public static IResult Landing(HttpRequest r, IEnumerable<OgcCollection> collections, string? docsUrl)
    {
        var root = Links.Root(r);
        var b = new StringBuilder();
        b.Append("<p>通州区智慧社区要素服务（OGC API – Features 第 1、2、3 部分）<br>OGC API – Features (Parts 1, 2, 3) over Tongzhou District assets and administrative regions.</p><ul>");
        b.Append($"<li><a href=\"{E(root)}/ogc/collections?f=html\">要素集合 Collections</a></li>");
        b.Append($"<li><a href=\"{E(root)}/ogc/conformance\">符合性声明 Conformance</a> (JSON)</li>");
        b.Append($"<li><a href=\"{E(root)}/ogc/api\">接口定义 API definition</a> (OpenAPI 3.0)</li>");
        if (docsUrl is not null) b.Append($"<li><a href=\"{E(root + docsUrl)}\">接口文档 API documentation</a></li>");
        b.Append($"<li><a href=\"{E(root)}/ogc?f=json\">JSON</a></li></ul>");
        b.Append("<h2>要素集合 Collections</h2>");
        CollectionList(b, root, collections);
        return Page("通州区要素服务 Geo: Tongzhou features", [], b.ToString());
    }

    public static IResult Collections(HttpRequest r, IEnumerable<OgcCollection> collections)
    {
        var root = Links.Root(r);
        var b = new StringBuilder();
        CollectionList(b, root, collections);
        b.Append($"<p><a href=\"{E(root)}/ogc/collections?f=json\">JSON</a></p>");
        return Page("要素集合 Collections", [("首页 Home", root + "/ogc?f=html")], b.ToString());
    }

    public static IResult Collection(HttpRequest r, OgcCollection c, SiteOptions config, OgcExtents.Extent? extent = null)
    {
        var root = Links.Root(r);
        var self = $"{root}/ogc/collections/{c.Id}";
        var e = extent?.Bbox ?? Geo.Core.Spatial.GeoFactory.DistrictExtent;
        var b = new StringBuilder();
        b.Append($"<p>{E(c.Description)}</p><dl>");
        b.Append($"<dt>标识 Id</dt><dd><code>{E(c.Id)}</code></dd>");
        b.Append(CultureInfo.InvariantCulture, $"<dt>空间范围 Extent (CRS84)</dt><dd>{e.MinX}, {e.MinY}, {e.MaxX}, {e.MaxY}</dd>");
        b.Append($"<dt>坐标系 CRS</dt><dd>{string.Join("<br>", OutputCrs.Uris.Select(E))}</dd></dl><ul>");
        b.Append($"<li><a href=\"{E(self)}/items?f=html\">要素 Items</a> (HTML)</li>");
        b.Append($"<li><a href=\"{E(self)}/items?f=json\">GeoJSON</a> · <a href=\"{E(Links.Root(r))}/api/export/{E(Uri.EscapeDataString(c.Id))}?f=csv\">CSV</a> · <a href=\"{E(Links.Root(r))}/api/export/{E(Uri.EscapeDataString(c.Id))}?f=shp\">Shapefile</a></li>");
        b.Append($"<li><a href=\"{E(self)}/queryables\">可查询属性 Queryables</a> (JSON Schema)</li>");
        b.Append($"<li><a href=\"{E(MapUrl(config))}?layer={E(Uri.EscapeDataString(c.Id))}\">在地图中查看 View on the map</a></li></ul>");
        b.Append("<h2>可查询属性 Queryables</h2><table><tr><th>名称 Name</th><th>类型 Type</th><th>说明 Title</th></tr>");
        foreach (var q in c.Queryables)
        {
            b.Append($"<tr><td><code>{E(q.Name)}</code></td><td>{q.Type.ToString().ToLowerInvariant()}</td><td>{E(q.Title)}</td></tr>");
        }
        b.Append("</table>");
        return Page(c.Title, [("首页 Home", root + "/ogc?f=html"), ("要素集合 Collections", root + "/ogc/collections?f=html")], b.ToString());
    }

    private static void CollectionList(StringBuilder b, string root, IEnumerable<OgcCollection> collections)
    {
        b.Append("<table><tr><th>标识 Id</th><th>名称 Title</th><th>要素 Items</th></tr>");
        foreach (var c in collections)
        {
            var self = $"{root}/ogc/collections/{Uri.EscapeDataString(c.Id)}";
            b.Append($"<tr><td><a href=\"{E(self)}?f=html\"><code>{E(c.Id)}</code></a></td><td>{E(c.Title)}</td>");
            b.Append($"<td><a href=\"{E(self)}/items?f=html\">HTML</a> · <a href=\"{E(self)}/items?f=json\">GeoJSON</a></td></tr>");
        }
        b.Append("</table>");
    }

    /// <summary>One feature: its properties as a table, links to GeoJSON, the collection and the map.</summary>
    public static IResult Feature(HttpRequest r, OgcCollection c, string featureJson, SiteOptions config)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(featureJson);
        var root = Links.Root(r);
        var id = doc.RootElement.GetProperty("id").GetRawText();
        var props = doc.RootElement.GetProperty("properties");
        var name = props.TryGetProperty("name", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String ? n.GetString() : null;
        var geometry = doc.RootElement.GetProperty("geometry");
        var b = new StringBuilder();
        b.Append("<table><tr><th>属性 Property</th><th>值 Value</th></tr>");
        b.Append($"<tr><td><code>id</code></td><td>{E(id)}</td></tr>");
        foreach (var p in props.EnumerateObject())
        {
            var v = p.Value.ValueKind == System.Text.Json.JsonValueKind.String ? p.Value.GetString() : p.Value.ValueKind == System.Text.Json.JsonValueKind.Null ? "" : p.Value.GetRawText();
            b.Append($"<tr><td><code>{E(p.Name)}</code></td><td>{E(v)}</td></tr>");
        }
        var type = geometry.ValueKind == System.Text.Json.JsonValueKind.Object ? geometry.GetProperty("type").GetString() : "—";
        b.Append($"<tr><td><code>geometry</code></td><td>{E(type)}</td></tr></table><ul>");
        b.Append($"<li><a href=\"{E(Links.With(r, ("f", "json")))}\">GeoJSON</a></li>");
        b.Append($"<li><a href=\"{E(MapUrl(config))}?layer={E(Uri.EscapeDataString(c.Id))}\">在地图中查看 View on the map</a></li></ul>");
        return Page($"{name ?? c.Title} #{id}",
            [("首页 Home", root + "/ogc?f=html"), (c.Title, $"{root}/ogc/collections/{c.Id}?f=html"), ("要素 Items", $"{root}/ogc/collections/{c.Id}/items?f=html")], b.ToString());
    }

    public static IResult Page(string title, IReadOnlyList<(string Label, string Href)> crumbs, string body) =>
        Results.Content(Document(title, crumbs, body), ContentType, Encoding.UTF8);

    public static string Document(string title, IReadOnlyList<(string Label, string Href)> crumbs, string body)
    {
        var nav = crumbs.Count == 0 ? "" : "<nav>" + string.Join(" › ", crumbs.Select(c => $"<a href=\"{E(c.Href)}\">{E(c.Label)}</a>")) + "</nav>";
        return $"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)}</title>
            <style>body{"{"}font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222{"}"}
            table{"{"}border-collapse:collapse{"}"}td,th{"{"}border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top{"}"}
            th{"{"}background:#f3f3f3{"}"}nav{"{"}margin-bottom:1em{"}"}.pager a{"{"}margin-right:1em{"}"}</style></head>
            <body>{nav}<h1>{E(title)}</h1>
            {body}
            </body></html>
            """;
    }
}

/// <summary>One items page as an HTML table (id, lon/lat, the properties), with previous/next links and a
/// link to the map. Rows come from the CSV query shape (<see cref="FeatureSql.Csv"/>) with one extra row
/// fetched to know whether a next page exists.</summary>
public sealed class HtmlItemsResult(FeatureReader rows, FeaturePlan plan, IReadOnlyList<string> columns, string mapUrl) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var req = http.Request;
        var root = Links.Root(req);
        var c = plan.Collection;
        var b = new StringBuilder();
        b.Append($"<p>{OgcHtml.E(c.Description)}</p>");
        b.Append("<table><tr><th>编号 id</th><th>经度 lon</th><th>纬度 lat</th>");
        foreach (var col in columns) b.Append($"<th>{OgcHtml.E(c.Find(col)?.Title is { } t && t != col ? $"{t} {col}" : col)}</th>");
        b.Append("</tr>");
        var returned = 0;
        var hasNext = false;
        while (rows.HasRow)
        {
            if (returned == plan.Limit) { hasNext = true; break; }
            var r = rows.Reader;
            var id = r.GetInt64(0);
            var self = $"{root}/ogc/collections/{Uri.EscapeDataString(c.Id)}/items/{id}";
            b.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{OgcHtml.E(self)}\">{id}</a></td>");
            for (var i = 1; i < r.FieldCount; i++)
            {
                var v = r.IsDBNull(i) ? "" : i <= 2 ? r.GetDouble(i).ToString("0.######", CultureInfo.InvariantCulture) : r.GetString(i);
                b.Append($"<td>{OgcHtml.E(v)}</td>");
            }
            b.Append("</tr>");
            returned++;
            await rows.NextAsync(ct);
        }
        b.Append("</table>");
        var limit = plan.Limit.ToString(CultureInfo.InvariantCulture);
        b.Append(CultureInfo.InvariantCulture, $"<p class=\"pager\">第 {plan.Offset + 1}–{plan.Offset + returned} 条 (items {plan.Offset + 1}–{plan.Offset + returned}) ");
        if (plan.Offset > 0)
        {
            var prev = Math.Max(0, plan.Offset - plan.Limit).ToString(CultureInfo.InvariantCulture);
            b.Append($"<a rel=\"prev\" href=\"{OgcHtml.E(Links.With(req, ("offset", prev), ("limit", limit), ("f", "html")))}\">上一页 Previous</a>");
        }
        if (hasNext)
        {
            var next = (plan.Offset + plan.Limit).ToString(CultureInfo.InvariantCulture);
            b.Append($"<a rel=\"next\" href=\"{OgcHtml.E(Links.With(req, ("offset", next), ("limit", limit), ("f", "html")))}\">下一页 Next</a>");
        }
        b.Append("</p><ul>");
        var bbox = req.Query["bbox"].ToString();
        var map = $"{mapUrl}?layer={Uri.EscapeDataString(c.Id)}" + (bbox.Length > 0 && plan.Crs == OutputCrs.Crs84 ? "&bbox=" + Uri.EscapeDataString(bbox) : "");
        b.Append($"<li><a href=\"{OgcHtml.E(map)}\">在地图中查看 View on the map</a></li>");
        b.Append($"<li><a href=\"{OgcHtml.E(Links.With(req, ("f", "json")))}\">GeoJSON</a> · <a href=\"{OgcHtml.E(Links.Export(req, plan.Collection.Id, "csv"))}\">CSV</a></li></ul>");

        http.Response.ContentType = OgcHtml.ContentType;
        await http.Response.WriteAsync(OgcHtml.Document($"{c.Title} · 要素 Items",
            [("首页 Home", root + "/ogc?f=html"), ("要素集合 Collections", root + "/ogc/collections?f=html"), (c.Title, $"{root}/ogc/collections/{c.Id}?f=html")],
            b.ToString()), ct);
    }
}
