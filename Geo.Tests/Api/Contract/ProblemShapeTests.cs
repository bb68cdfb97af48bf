using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api.Contract;

/// <summary>Walks every operation of /openapi/v1.json with bad input: no 5xx, and every 4xx is the one problem
/// shape (RFC 9457 type/title/status/detail and the parameter at fault), so a client can always tell what to fix.</summary>
public sealed class ProblemShapeTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    /// <summary>Values that no parameter of Geo accepts as they are: not a number, not a code, not a list of kinds.</summary>
    private static readonly string[] Junk = ["x!y", "-1e999", "9999999999999999999999"];

    /// <summary>Open311 GeoReport v2 defines its own error document ([{code, description}]): checked in its own tests.</summary>
    private static bool Exempt(string path) => path.StartsWith("/open311", StringComparison.Ordinal);

    private sealed record Op(string Method, string Path, List<(string Name, string In, string? Type)> Parameters, bool HasBody);

    private static List<Op> Operations(JsonElement doc)
    {
        var ops = new List<Op>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                if (method.Name is "parameters" or "summary" or "description") continue;
                var ps = new List<(string, string, string?)>();
                if (method.Value.TryGetProperty("parameters", out var list))
                {
                    foreach (var p in list.EnumerateArray())
                    {
                        var type = p.TryGetProperty("schema", out var s) && s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                        ps.Add((p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!, type));
                    }
                }
                ops.Add(new Op(method.Name.ToUpperInvariant(), path.Name, ps, method.Value.TryGetProperty("requestBody", out _)));
            }
        }
        return ops;
    }

    private static string Fill(Op op, string? junkFor = null, string junk = "") =>
        string.Concat(op.Path.Split('/').Select((seg, i) => (i == 0 ? "" : "/") + System.Text.RegularExpressions.Regex.Replace(seg, @"\{([^}:]+)(:[^}]*)?\}", m =>
        {
            var name = m.Groups[1].Value;
            if (name == junkFor) return Uri.EscapeDataString(junk);
            var type = op.Parameters.FirstOrDefault(p => p.Name == name).Type;
            return type is "integer" or "number" ? "1" : "no-such-" + name;
        })));

    [Fact]
    public async Task Every_operation_answers_bad_input_with_the_one_problem_shape_and_never_a_500()
    {
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "PS", 116.60, 39.80, 0.05);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var device = await GridFixtures.ClientAsync(app, db, GeoRoles.Device);
        var doc = JsonDocument.Parse(await admin.GetStringAsync("/openapi/v1.json")).RootElement;
        var ops = Operations(doc).Where(o => !Exempt(o.Path)).ToList();
        Assert.True(ops.Count >= 50, $"only {ops.Count} operations in the OpenAPI document");

        var failures = new List<string>();
        var refused = 0;
        foreach (var op in ops)
        {
            var attempts = new List<(string Label, Func<HttpRequestMessage> Make)>();
            foreach (var p in op.Parameters)
            {
                foreach (var junk in Junk)
                {
                    if (p.In == "path")
                        attempts.Add(($"{p.Name}={junk}", () => new HttpRequestMessage(new HttpMethod(op.Method), Fill(op, p.Name, junk)) { Content = op.HasBody ? Json("{}") : null }));
                    else if (p.In == "query")
                        attempts.Add(($"{p.Name}={junk}", () => new HttpRequestMessage(new HttpMethod(op.Method),
                            Fill(op) + "?" + p.Name + "=" + Uri.EscapeDataString(junk)) { Content = op.HasBody ? Json("{}") : null }));
                }
            }
            if (op.HasBody)
            {
                attempts.Add(("malformed body", () => new HttpRequestMessage(new HttpMethod(op.Method), Fill(op)) { Content = Json("{\"oops\": ") }));
                attempts.Add(("body of the wrong type", () => new HttpRequestMessage(new HttpMethod(op.Method), Fill(op)) { Content = Json("[1, 2]") }));
            }
            if (attempts.Count == 0) continue;

            var any4xx = false;
            foreach (var (label, make) in attempts)
            {
                var res = await admin.SendAsync(make());
                if (res.StatusCode is HttpStatusCode.Forbidden) res = await device.SendAsync(make());
                var status = (int)res.StatusCode;
                var where = $"{op.Method} {op.Path} [{label}]";
                if (status >= 500) { failures.Add($"{where}: {status} {await res.Content.ReadAsStringAsync()}"); continue; }
                if (status < 400) continue;
                any4xx = true;
                if (CheckShape(res, status, await res.Content.ReadAsStringAsync()) is { } problem) failures.Add($"{where}: {problem}");
            }
            if (any4xx) refused++;
            else failures.Add($"{op.Method} {op.Path}: accepted every bad input ({string.Join("; ", attempts.Select(a => a.Label))})");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(refused >= 40, $"only {refused} operations refused bad input");
    }

    /// <summary>Null when the response is the one problem shape; else what is wrong with it.</summary>
    internal static string? CheckShape(HttpResponseMessage res, int status, string body)
    {
        if (res.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"{status} with content type {res.Content.Headers.ContentType?.MediaType ?? "(none)"}: {body}";
        JsonElement p;
        try { p = JsonDocument.Parse(body).RootElement; }
        catch (JsonException) { return $"{status} with a body that is not JSON: {body}"; }
        foreach (var member in new[] { "type", "title", "detail" })
        {
            if (!p.TryGetProperty(member, out var v) || v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
                return $"{status} without '{member}': {body}";
        }
        if (!Uri.TryCreate(p.GetProperty("type").GetString(), UriKind.Absolute, out _)) return $"'type' is not an absolute URI: {body}";
        if (!p.TryGetProperty("status", out var st) || st.GetInt32() != status) return $"'status' does not match {status}: {body}";
        var named = p.TryGetProperty("parameter", out var param) && param.ValueKind == JsonValueKind.String && param.GetString()!.Length > 0;
        var errors = p.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Any();
        return named || errors ? null : $"{status} names no parameter: {body}";
    }

    private static StringContent Json(string s)
    {
        var c = new StringContent(s, Encoding.UTF8);
        c.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return c;
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_response_schema_and_declares_how_it_authenticates()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var doc = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.True(schemes.TryGetProperty("bearer", out _) && schemes.TryGetProperty("api_key", out _) && schemes.TryGetProperty("cookie", out _));
        var ids = new HashSet<string>();
        var missing = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var m in path.Value.EnumerateObject())
            {
                var where = $"{m.Name.ToUpperInvariant()} {path.Name}";
                if (!m.Value.TryGetProperty("operationId", out var id) || !ids.Add(id.GetString()!)) missing.Add($"{where}: no unique operationId");
                // a success a client can code against: a redirect alone (GET /ogc/api once) does not say what is at the end of it
                var ok = m.Value.GetProperty("responses").EnumerateObject().FirstOrDefault(r => r.Name.StartsWith('2'));
                if (ok.Value.ValueKind == JsonValueKind.Undefined) { missing.Add($"{where}: no 2xx response"); continue; }
                var described = ok.Name == "204" || (ok.Value.TryGetProperty("content", out var content)
                    && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _) || c.Name is "application/geo+json" or "text/csv" or "text/html" or "application/zip"
                        or "application/vnd.mapbox-vector-tile" or "application/schema+json" or "image/png" or "application/vnd.oai.openapi+json;version=3.0"));
                if (!described) missing.Add($"{where}: 2xx without a schema or media type");
            }
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
        // a staff-only operation says so
        var incidents = doc.GetProperty("paths").GetProperty("/api/incidents").GetProperty("get");
        Assert.True(incidents.TryGetProperty("security", out var sec) && sec.GetArrayLength() > 0);
    }
}
