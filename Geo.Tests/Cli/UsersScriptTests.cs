using System.Diagnostics;
using System.Text.RegularExpressions;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Geo.Tests.Cli;

/// <summary>`./geo users add|seed-demo|apikey` through the real script: what lands in the users table, and
/// user errors as one line on stderr with a non-zero exit (never a stack trace).</summary>
public sealed class UsersScriptTests(ScriptDatabase fixture) : IClassFixture<ScriptDatabase>
{
    private static readonly TimeSpan Timeout = ScriptDatabase.Timeout;
    private GeoScript Script => fixture.Script;

    [Fact]
    public async Task Users_add_creates_an_account_and_a_taken_name_is_one_line()
    {
        var r = await Script.RunAsync(Timeout, "users", "add", "--user", "smoke-li", "--password", "long enough 1", "--role", "planner", "--display-name", "李规划");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"^user smoke-li \(planner\) created, id \d+$", r.StdoutLines.Single());
        await using (var db = fixture.Db.CreateContext())
        {
            var u = await db.Users.AsNoTracking().SingleAsync(x => x.UserName == "smoke-li");
            Assert.Equal(("planner", "李规划", (string?)null), (u.Role, u.DisplayName, u.GridManagerName));
            Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<GeoUser>().VerifyHashedPassword(u, u.PasswordHash, "long enough 1"));
        }

        var dup = await Script.RunAsync(Timeout, "users", "add", "--user", "smoke-li", "--password", "another one 2", "--role", "admin");
        Assert.Equal(1, dup.ExitCode);
        Assert.Equal(["user 'smoke-li' already exists"], dup.ErrorLines);
        Assert.Empty(dup.Stdout.Trim());
        Assert.Equal(1, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM users WHERE user_name = 'smoke-li' AND role = 'planner'"));
    }

    [Theory]
    [InlineData("role must be one of resident, grid_manager, planner, admin, supervisor", "--user", "smoke-x", "--password", "long enough 1", "--role", "boss")]
    [InlineData("role must be one of resident, grid_manager, planner, admin, supervisor", "--user", "smoke-x", "--password", "long enough 1", "--role", "device")]
    [InlineData("password must be at least 8 characters", "--user", "smoke-x", "--password", "short", "--role", "admin")]
    [InlineData("--user is required", "--password", "long enough 1", "--role", "admin")]
    [InlineData("--role needs a value", "--user", "smoke-x", "--password", "long enough 1", "--role")]
    public async Task Users_add_rejects_bad_input_in_one_line_with_exit_2(string error, params string[] args)
    {
        var r = await Script.RunAsync(Timeout, ["users", "add", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal([error], r.ErrorLines);
        Assert.Equal(0, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM users WHERE user_name = 'smoke-x'"));
    }

    [Fact]
    public async Task Users_seed_demo_creates_named_accounts_in_seconds_and_is_idempotent()
    {
        // the five managers with the most cells, ties by ordinal name: computed here independently of UserAdmin
        var cells = new List<(string Name, long Cells)>();
        await using (var cmd = fixture.Db.DataSource.CreateCommand(
            "SELECT grid_manager, count(*) FROM regions WHERE level = 'grid_cell' AND grid_manager IS NOT NULL GROUP BY 1"))
        await using (var rd = await cmd.ExecuteReaderAsync())
            while (await rd.ReadAsync()) cells.Add((rd.GetString(0), rd.GetInt64(1)));
        var busiest = cells.OrderByDescending(c => c.Cells).ThenBy(c => c.Name, StringComparer.Ordinal).Take(5).Select(c => c.Name).ToList();
        Assert.Equal(5, busiest.Count);

        var sw = Stopwatch.StartNew();
        var first = await Script.RunAsync(Timeout, "users", "seed-demo", "--password", "demo pass 2026");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"seed-demo took {sw.Elapsed.TotalSeconds:F0} s");
        Assert.Contains("9 demo accounts created, 0 already existed", first.Stdout);
        Assert.Matches(@"created\s+demo-admin\s+admin", first.Stdout);

        await using (var db = fixture.Db.CreateContext())
        {
            var demo = await db.Users.AsNoTracking().Where(u => u.UserName.StartsWith("demo-")).ToListAsync();
            string[] expected = ["demo-admin", "demo-planner", "demo-supervisor", "demo-resident", "demo-grid-1", "demo-grid-2", "demo-grid-3", "demo-grid-4", "demo-grid-5"];
            Assert.Equal(expected.Order(), demo.Select(u => u.UserName).Order());
            var byName = demo.ToDictionary(u => u.UserName);
            Assert.Equal((GeoRoles.Admin, GeoRoles.Planner, GeoRoles.Supervisor, GeoRoles.Resident),
                (byName["demo-admin"].Role, byName["demo-planner"].Role, byName["demo-supervisor"].Role, byName["demo-resident"].Role));
            Assert.Equal(busiest, Enumerable.Range(1, 5).Select(i => byName[$"demo-grid-{i}"]).Select(u => (u.Role, u.GridManagerName))
                .Select(x => { Assert.Equal(GeoRoles.GridManager, x.Role); return x.GridManagerName!; }).ToList());
            // one salt per account: no two hashes alike, and each verifies the given password
            Assert.Equal(9, demo.Select(u => u.PasswordHash).Distinct().Count());
            var hasher = new PasswordHasher<GeoUser>();
            Assert.All(demo, u => Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(u, u.PasswordHash, "demo pass 2026")));
        }
        foreach (var name in busiest) Assert.Contains($"grid_manager for {name}", first.Stdout);

        var again = await Script.RunAsync(Timeout, "users", "seed-demo");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 demo accounts created, 9 already existed", again.Stdout);
        Assert.Equal(9, Regex.Matches(again.Stdout, "exists, skipped").Count);
        Assert.Equal(9, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM users WHERE user_name LIKE 'demo-%'"));
    }

    [Fact]
    public async Task Users_seed_demo_all_grid_managers_reports_progress_and_skips_existing()
    {
        var db = new PostgisFixture(); // a handful of managers: the full data set would take minutes
        await db.InitializeAsync();
        try
        {
            foreach (var (name, i) in new[] { "甲网格员", "乙网格员", "丙网格员" }.Select((n, i) => (n, i)))
                await GridFixtures.CellAsync(db.DataSource, $"all{i}", 116.60 + i * 0.01, 39.90, 0.005, name);
            using var script = new GeoScript(db.ConnectionString);
            var r = await script.RunAsync(Timeout, "users", "seed-demo", "--all-grid-managers", "--password", "all demo 2026");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("grid managers: 3 / 3", r.Stdout);
            Assert.Contains("3 grid-manager accounts created", r.Stdout);
            Assert.Equal(3, await GridFixtures.CountAsync(db.DataSource,
                "SELECT count(DISTINCT password_hash) FROM users WHERE role = 'grid_manager' AND user_name = grid_manager_name AND user_name LIKE '_网格员'"));

            var again = await script.RunAsync(Timeout, "users", "seed-demo", "--all-grid-managers", "--password", "all demo 2026");
            Assert.Contains("0 grid-manager accounts created", again.Stdout);
            Assert.Equal(3, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM users"));
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task Users_apikey_prints_a_key_stored_only_as_its_hash()
    {
        var r = await Script.RunAsync(Timeout, "users", "apikey", "--name", "smoke-sensor-1");
        Assert.True(r.ExitCode == 0, r.ToString());
        var key = r.StdoutLines.Single();
        Assert.StartsWith("geo_", key);
        Assert.Equal(1, await GridFixtures.CountAsync(fixture.Db.DataSource,
            "SELECT count(*) FROM api_keys WHERE name = 'smoke-sensor-1' AND role = 'device' AND key_hash = $1", ApiKey.Hash(key)));
        Assert.Equal(0, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM api_keys WHERE key_hash = $1", key));

        var noUser = await Script.RunAsync(Timeout, "users", "apikey", "--name", "smoke-sensor-2", "--user-id", "987654");
        Assert.Equal(2, noUser.ExitCode);
        Assert.Equal(["no user with id 987654"], noUser.ErrorLines);
        var badRole = await Script.RunAsync(Timeout, "users", "apikey", "--name", "smoke-sensor-3", "--role", "root");
        Assert.Equal(2, badRole.ExitCode);
        Assert.Single(badRole.ErrorLines);
        Assert.Equal(0, await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM api_keys WHERE name IN ('smoke-sensor-2', 'smoke-sensor-3')"));
    }
}
