using Geo.Core.Data;
using Geo.Ingest.Accounts;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>users add --user NAME --password P --role admin|planner|grid_manager|resident [--display-name N] [--grid-manager N]
/// | users seed-demo [--password P] | users apikey --name N --role device|... [--user-id ID]</summary>
internal static class UsersCli
{
    public static async Task<int> RunAsync(string[] args, NpgsqlDataSource dataSource)
    {
        string? Opt(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        await using var db = GeoDb.CreateContext(dataSource);
        try
        {
            switch (args.ElementAtOrDefault(1))
            {
                case "add":
                    var user = await UserAdmin.AddUserAsync(db, Opt("--user") ?? throw new ArgumentException("--user is required"),
                        Opt("--password") ?? Environment.GetEnvironmentVariable("GEO_USER_PASSWORD") ?? throw new ArgumentException("--password (or GEO_USER_PASSWORD) is required"),
                        Opt("--role") ?? throw new ArgumentException("--role is required"), Opt("--display-name"), Opt("--grid-manager"));
                    Console.WriteLine($"user {user.UserName} ({user.Role}) created, id {user.Id}");
                    return 0;
                case "seed-demo":
                    var added = await UserAdmin.SeedGridManagersAsync(db, Opt("--password") ?? "grid-demo-2026");
                    Console.WriteLine($"{added.Count} demo grid-manager users created (user name = the manager's name on the cell)");
                    return 0;
                case "apikey":
                    var key = await UserAdmin.AddApiKeyAsync(db, Opt("--name") ?? throw new ArgumentException("--name is required"),
                        Opt("--role") ?? "device", long.TryParse(Opt("--user-id"), out var uid) ? uid : null);
                    Console.WriteLine(key);
                    return 0;
                default:
                    await Console.Error.WriteLineAsync("usage: users add --user NAME --password P --role ROLE [--display-name N] [--grid-manager N] | users seed-demo [--password P] | users apikey --name N [--role device] [--user-id ID]");
                    return 2;
            }
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
    }
}
