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
            Console.WriteLine($"usage: Geo.Ingest migrate | ingest FILE --kind K [--crs C] [--source S] | {GenerateCommands.Usage}");
            return args.Length == 0 ? 2 : 0;
        }
        var cs = GeoDb.ConnectionStringFromEnvironment();
        if (args[0] == "generate")
        {
            // with --out no database is needed at all
            return await GenerateCommands.GenerateAsync(() => GeoDb.CreateDataSource(cs), args[1..]);
        }
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
            case "load-base":
                return await GenerateCommands.LoadBaseAsync(dataSource, args[1..]);
            default:
                await Console.Error.WriteLineAsync($"unknown command '{args[0]}'");
                return 2;
        }
    }
}
