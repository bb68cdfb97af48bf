using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Geo.Tests.Infrastructure;

/// <summary>The real Geo.Web host (all APIs) on the fixture's database. Use with a PostgisFixture:
/// <c>using var app = new GeoWebFactory(db.ConnectionString); var http = app.CreateClient();</c></summary>
public sealed class GeoWebFactory(string connectionString, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Geo", connectionString);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(k, v);
        }
    }
}
