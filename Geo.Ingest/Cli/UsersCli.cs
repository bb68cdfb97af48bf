using System.Globalization;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Accounts;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary>users add --user NAME --password P --role admin|planner|supervisor|grid_manager|resident [--display-name N] [--grid-manager N]
/// | users seed-demo [--password P] [--all-grid-managers] | users apikey --name N [--role device|...] [--user-id ID] [--sensors ID,ID,...].
/// User errors (bad option, taken name) are one line on stderr and a non-zero exit, never a stack trace.</summary>
internal static class UsersCli
{
    public const string Usage = "users add --user NAME --password P --role admin|planner|supervisor|grid_manager|resident [--display-name N] [--grid-manager N]"
        + " | users seed-demo [--password P] [--all-grid-managers] | users apikey --name N [--role device] [--user-id ID] [--sensors ID,ID,...]";

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string[] args)
    {
        try
        {
            var sub = args.FirstOrDefault();
            switch (sub)
            {
                case "add":
                {
                    var o = Options.Parse(args[1..], ["--user", "--password", "--role", "--display-name", "--grid-manager"], []);
                    var password = o.Value("--password") ?? Environment.GetEnvironmentVariable("GEO_USER_PASSWORD")
                        ?? throw new ArgumentException("--password (or GEO_USER_PASSWORD) is required");
                    await using var db = GeoDb.CreateContext(dataSource);
                    var user = await UserAdmin.AddUserAsync(db, o.Required("--user"), password, o.Required("--role"),
                        o.Value("--display-name"), o.Value("--grid-manager"));
                    Console.WriteLine($"user {user.UserName} ({user.Role}) created, id {user.Id}");
                    return 0;
                }
                case "seed-demo":
                {
                    var o = Options.Parse(args[1..], ["--password"], ["--all-grid-managers"]);
                    var password = o.Value("--password") ?? UserAdmin.DefaultDemoPassword;
                    await using var db = GeoDb.CreateContext(dataSource);
                    return o.Flag("--all-grid-managers")
                        ? await SeedAllAsync(db, password)
                        : await SeedDemoAsync(db, password, o.Value("--password") is null);
                }
                case "apikey":
                {
                    var o = Options.Parse(args[1..], ["--name", "--role", "--user-id", "--sensors"], []);
                    long? userId = o.Value("--user-id") is { } s
                        ? long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new ArgumentException($"--user-id must be a number, not '{s}'")
                        : null;
                    await using var db = GeoDb.CreateContext(dataSource);
                    var sensors = (o.Value("--sensors") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--sensors takes asset ids, not '{v}'"))
                        .ToArray();
                    Console.WriteLine(await UserAdmin.AddApiKeyAsync(db, o.Required("--name"), o.Value("--role") ?? GeoRoles.Device, userId, default, sensors));
                    return 0;
                }
                default:
                    await Console.Error.WriteLineAsync($"{(sub is null ? "" : $"unknown users command '{sub}'; ")}usage: {Usage}");
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message.Split(" (Parameter ", 2)[0]);
            return 2;
        }
        catch (UserExistsException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    private static async Task<int> SeedDemoAsync(GeoDbContext db, string password, bool defaultPassword)
    {
        var accounts = await UserAdmin.SeedDemoAsync(db, password);
        foreach (var a in accounts)
        {
            var acts = a.GridManagerName is null ? "" : $" for {a.GridManagerName}";
            Console.WriteLine($"{(a.Created ? "created" : "exists, skipped")}  {a.UserName,-14} {a.Role}{acts}");
        }
        var created = accounts.Count(a => a.Created);
        var managers = accounts.Count(a => a.Role == GeoRoles.GridManager);
        Console.WriteLine($"{created} demo accounts created, {accounts.Count - created} already existed"
            + (created > 0 ? $"; password: {(defaultPassword ? UserAdmin.DefaultDemoPassword + " (the default)" : "as given")}" : ""));
        if (managers == 0) Console.WriteLine("no grid cells with managers in the database: no demo grid managers (./geo run loads them)");
        return 0;
    }

    private static async Task<int> SeedAllAsync(GeoDbContext db, string password)
    {
        TimeSpan? lastPrint = null;
        var n = await UserAdmin.SeedAllGridManagersAsync(db, password, (done, total, elapsed) =>
        {
            // a line every 2 s is enough to see it move; piped output stays short
            if (done < total && lastPrint is { } last && elapsed - last < TimeSpan.FromSeconds(2)) return;
            lastPrint = elapsed;
            var left = done == 0 ? 0 : elapsed.TotalSeconds * (total - done) / done;
            Console.WriteLine($"grid managers: {done:N0} / {total:N0} ({elapsed.TotalSeconds:F0} s, about {left:F0} s left)");
        });
        Console.WriteLine($"{n:N0} grid-manager accounts created (user name = the manager's name on the cell, role grid_manager)");
        return 0;
    }

    /// <summary>`--name value` options and bare flags; anything else is a user error.</summary>
    private sealed class Options
    {
        private readonly Dictionary<string, string> _values = [];
        private readonly HashSet<string> _flags = [];

        public static Options Parse(string[] args, string[] valued, string[] flags)
        {
            var o = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                var a = args[i];
                if (flags.Contains(a)) o._flags.Add(a);
                else if (valued.Contains(a))
                {
                    if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
                    o._values[a] = args[++i];
                }
                else throw new ArgumentException($"unexpected argument '{a}'; usage: {Usage}");
            }
            return o;
        }

        public string? Value(string name) => _values.GetValueOrDefault(name);

        public string Required(string name) => Value(name) ?? throw new ArgumentException($"{name} is required");

        public bool Flag(string name) => _flags.Contains(name);
    }
}
