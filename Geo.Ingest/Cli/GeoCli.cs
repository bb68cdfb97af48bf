using Geo.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Geo.Ingest.Cli;

/// <summary>The commands behind ./geo migrate | ingest | generate | load-base.</summary>
public static class GeoCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: Geo.Ingest migrate | ingest FILE --kind K [--crs C] [--source S] | generate [--seed N] [--scale S] | load-base");
            return args.Length == 0 ? 2 : 0;
        }
        var cs = GeoDb.ConnectionStringFromEnvironment();
        await using var dataSource = GeoDb.CreateDataSource(cs);
        switch (args[0])
        {
            case "migrate":
                await using (var db = GeoDb.CreateContext(dataSource))
                {
                    await db.Database.MigrateAsync();
                }
                Console.WriteLine("migrations applied");
                return 0;
            case "tiles":
                return await TilesCommand.RunAsync(dataSource, args[1..]);
            default:
                await Console.Error.WriteLineAsync($"unknown command '{args[0]}'");
                return 2;
        }
    }
}
