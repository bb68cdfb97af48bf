using Geo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>The commands behind ./geo migrate | ingest | generate | load-base | network | tiles | users | care | simulate,
/// the topology launcher behind ./geo run --nodes N (<see cref="ScaleOut.TopologyCommand"/>) and ./geo test's summary.</summary>
public static class GeoCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine($"usage: Geo.Ingest migrate | {IngestCommand.Usage} | {GenerateCommands.Usage} | network generate|import|ensure | tiles seed ... | {UsersCli.Usage} | {CareCli.Usage} | {SimulateCommand.Usage} | {ScaleOut.TopologyCommand.Usage} | {TestSummaryCommand.Usage}");
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return await DispatchAsync(args);
        }
        // What a user can cause (wrong file, unreachable database, unmigrated schema) is one line, not a
        // stack trace; anything else is a bug and keeps its trace.
        catch (Exception e) when (UserError(e) is { } message)
        {
            await Console.Error.WriteLineAsync(message);
            return 1;
        }
    }

    private static string? UserError(Exception e)
    {
        if (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException) return e.Message;
        // EF's execution strategy wraps a failed connection in an InvalidOperationException ("transient failure")
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException { SqlState: PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName } p:
                    return $"database not ready: {p.MessageText}";
                case PostgresException:
                    return null;
                case NpgsqlException n:
                    return $"cannot use the database ({GeoDb.EnvVar} or the private cluster): {n.Message}";
            }
        }
        return null;
    }

    private static async Task<int> DispatchAsync(string[] args)
    {
        switch (args[0])
        {
            case "topology": return await ScaleOut.TopologyCommand.RunAsync(args[1..]);
            case "test-summary": return await TestSummaryCommand.RunAsync(args[1..]);
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
                if (args.Length > 1)
                {
                    await Console.Error.WriteLineAsync($"unexpected argument '{args[1]}'; usage: migrate");
                    return 2;
                }
                await using (var db = GeoDb.CreateContext(dataSource))
                {
                    await db.Database.MigrateAsync();
                }
                Console.WriteLine("migrations applied");
                return 0;
            case "network": return await NetworkCli.RunAsync(dataSource, args[1..]);
            case "ingest":
                return await IngestCommand.RunAsync(dataSource, args[1..]);
            case "users": return await UsersCli.RunAsync(dataSource, args[1..]);
            case "care": return await CareCli.RunAsync(dataSource, args[1..]);
            case "simulate":
                try { return await SimulateCommand.RunAsync(dataSource, args[1..]); }
                catch (ArgumentException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    return 2;
                }
            case "tiles":
                return await TilesCommand.RunAsync(dataSource, args[1..]);
            default:
                await Console.Error.WriteLineAsync($"unknown command '{args[0]}'");
                return 2;
        }
    }
}
