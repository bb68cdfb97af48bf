using Geo.Tests.Infrastructure;

namespace Geo.Tests.Cli;

/// <summary>A fresh test database holding a small demo data set (the real hierarchy with every grid cell and
/// its manager, 1% of the assets, a sparse walking network), loaded through the script itself, so that
/// `./geo run` finds it complete and starts in seconds.</summary>
public sealed class ScriptDatabase : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public PostgisFixture Db { get; } = new();

    internal GeoScript Script { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Script = new GeoScript(Db.ConnectionString);
        foreach (var args in new[] { new[] { "load-base", "--scale", "0.01" }, ["network", "generate", "--scale", "0.01"] })
        {
            var r = await Script.RunAsync(Timeout, args);
            Assert.True(r.ExitCode == 0, $"./geo {string.Join(' ', args)}: {r}");
        }
    }

    public async Task DisposeAsync()
    {
        Script.Dispose();
        await Db.DisposeAsync();
    }
}
