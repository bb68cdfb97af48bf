using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Infrastructure;

/// <summary>Geo.Web on a real Kestrel port (for browsers and GDAL), on the fixture's database.</summary>
public sealed class KestrelGeoApp : IAsyncDisposable
{
    private KestrelGeoApp(GeoWebFactory factory, string baseUrl) { Factory = factory; BaseUrl = baseUrl; }

    public GeoWebFactory Factory { get; }
    public string BaseUrl { get; }
    public IServiceProvider Services => Factory.Services;

    public static KestrelGeoApp Start(string connectionString, IDictionary<string, string?>? settings = null)
    {
        var factory = new GeoWebFactory(connectionString, settings);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelGeoApp(factory, address.Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/'));
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
