using Geo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>The commands behind ./geo migrate | ingest | generate | load-base.</summary>
public static class GeoCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine($"usage: Geo.Ingest migrate | {IngestCommand.Usage} | {GenerateCommands.Usage} | network generate|import|ensure | users ...");
            return args.Length == 0 ? 2 : 0;
        }
        var cs = GeoDb.ConnectionStringFromEnvironment();
        if (args[0] is "generate" or "load-base")
        {
            // a million-row COPY on a busy machine can outlast the 30 s default timeout of one write;
            // the data source is created lazily because generate --out needs no database at all
            var bulk = new NpgsqlConnectionStringBuilder(cs) { CommandTimeout = 0 }.ConnectionString;
            NpgsqlDataSource Bulk() => GeoDb.CreateDataSource(bulk);
            return args[0] == "generate"
                ? await GenerateCommands.GenerateAsync(Bulk, args[1..])
                : await GenerateCommands.LoadBaseAsync(Bulk, args[1..]);
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
            case "network": return await NetworkCli.RunAsync(dataSource, args[1..]);
            case "ingest":
                return await IngestCommand.RunAsync(dataSource, args[1..]);
            case "users": return await UsersCli.RunAsync(args, dataSource);
            case "tiles":
                return await TilesCommand.RunAsync(dataSource, args[1..]);
            default:
                await Console.Error.WriteLineAsync($"unknown command '{args[0]}'");
                return 2;
        }
    }
}
