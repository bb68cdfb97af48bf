using System.Net;
using System.Text.Json;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

public sealed class HealthApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Health_reports_database_and_postgis_versions()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var res = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        using var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync());
        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("15", doc.RootElement.GetProperty("postgres").GetString());
        Assert.StartsWith("3.", doc.RootElement.GetProperty("postgis").GetString());
    }
}
