using System.Net;
using System.Text.Json;

namespace Geo.Tests.Api.Ogc;

internal static class ApiAssert
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage res, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"expected {(int)expected}, got {(int)res.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A 4xx RFC 7807 problem naming <paramref name="parameter"/>.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage res, string parameter, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == status, $"expected {(int)status}, got {(int)res.StatusCode}: {body}");
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        var doc = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(parameter, doc.GetProperty("parameter").GetString());
        Assert.False(string.IsNullOrWhiteSpace(doc.GetProperty("detail").GetString()));
        return doc;
    }

    public static List<long> Ids(JsonElement featureCollection) =>
        featureCollection.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).ToList();
}
