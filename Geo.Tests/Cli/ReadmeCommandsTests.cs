using System.Reflection;
using System.Text.RegularExpressions;

namespace Geo.Tests.Cli;

/// <summary>README's "## Commands" table, ./geo help and the smoke tests must name the same commands:
/// a documented command without a smoke test (or a smoke test for an undocumented one), or a command that
/// `./geo help` lists and README does not (or the other way round), fails here.</summary>
public sealed class ReadmeCommandsTests
{
    /// <summary>Documented command → the smoke tests that run it through the real script.</summary>
    private static readonly Dictionary<string, string[]> SmokeTests = new()
    {
        ["run"] = [nameof(GeoScriptSmokeTests.Run_serves_health_until_stop_stops_it), nameof(GeoScriptSmokeTests.Run_with_nodes_serves_two_nodes_behind_the_gateway_until_stop_stops_them)],
        ["test"] = [nameof(GeoScriptSmokeTests.Test_runs_a_filtered_suite_on_its_own_throwaway_cluster)],
        ["stop"] = [nameof(GeoScriptSmokeTests.Run_serves_health_until_stop_stops_it), nameof(GeoScriptSmokeTests.Stop_with_nothing_running_succeeds_and_leaves_GEO_DB_alone)],
        ["psql"] = [nameof(GeoScriptSmokeTests.Psql_queries_the_GEO_DB_database)],
        ["ingest"] = [nameof(GeoScriptSmokeTests.Ingest_imports_a_tiny_GeoJSON_once_and_a_missing_file_is_one_line)],
        ["generate"] = [nameof(GeoScriptSmokeTests.Generate_writes_a_small_GeoJSON_file)],
        ["network generate"] = [nameof(GeoScriptSmokeTests.Network_generate_replaces_the_walking_network)],
        ["network import"] = [nameof(GeoScriptSmokeTests.Network_import_loads_walkable_OSM_ways)],
        ["tiles seed"] = [nameof(GeoScriptSmokeTests.Tiles_seed_writes_pbf_tiles)],
        ["users add"] = [nameof(UsersScriptTests.Users_add_creates_an_account_and_a_taken_name_is_one_line), nameof(UsersScriptTests.Users_add_rejects_bad_input_in_one_line_with_exit_2)],
        ["users seed-demo"] = [nameof(UsersScriptTests.Users_seed_demo_creates_named_accounts_in_seconds_and_is_idempotent), nameof(UsersScriptTests.Users_seed_demo_all_grid_managers_reports_progress_and_skips_existing)],
        ["users apikey"] = [nameof(UsersScriptTests.Users_apikey_prints_a_key_stored_only_as_its_hash)],
        ["bench"] = [nameof(GeoScriptSmokeTests.Bench_dispatch_runs_a_tiny_round_and_names_are_checked)],
        ["simulate"] = [nameof(GeoScriptSmokeTests.Simulate_posts_device_batches_with_bound_keys_and_revokes_them)],
        ["care rotate-key"] = [nameof(CareScriptTests.Care_rotate_key_re_encrypts_the_demo_households_to_the_active_key_once)],
        ["migrate"] = [nameof(GeoScriptSmokeTests.Migrate_applies_the_migrations_and_takes_no_argument)],
        ["help"] = [nameof(GeoScriptSmokeTests.Help_lists_the_commands_and_an_unknown_command_fails_in_one_line),
            nameof(GeoScriptSmokeTests.Every_command_and_sub_command_prints_its_usage_with_help_without_a_build_or_a_database)],
    };

    [Fact]
    public void Every_readme_command_has_a_smoke_test_and_every_smoke_test_a_readme_command()
    {
        var documented = ReadmeCommands();
        Assert.Contains("users seed-demo", documented); // the parser sees subcommands, not just first words
        Assert.Equal(documented.Order(StringComparer.Ordinal), SmokeTests.Keys.Order(StringComparer.Ordinal));
        var facts = new[] { typeof(GeoScriptSmokeTests), typeof(UsersScriptTests), typeof(CareScriptTests) }
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FactAttribute>() is { Skip: null })
            .Select(m => m.Name).ToHashSet();
        Assert.All(SmokeTests.Values.SelectMany(v => v), name => Assert.Contains(name, facts));
    }

    [Fact]
    public async Task Help_lists_exactly_the_readme_commands()
    {
        using var script = new GeoScript("Host=127.0.0.1;Database=unused"); // help touches no database
        var help = await script.RunAsync(TimeSpan.FromMinutes(1), "help");
        Assert.Equal(0, help.ExitCode);
        var listed = HelpCommands(help.Stdout);
        Assert.Contains("network import", listed); // the parser sees sub-commands, not just first words
        Assert.Equal(ReadmeCommands().Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    /// <summary>The commands of `./geo help`: each entry starts at column 2 with its synopsis (the description follows
    /// after two or more spaces, or on the lines below); a lowercase second word is a sub-command.</summary>
    internal static List<string> HelpCommands(string help)
    {
        var commands = new List<string>();
        foreach (var line in help.Split('\n').Where(l => Regex.IsMatch(l, "^  [a-z]")))
        {
            var words = Regex.Split(line.Trim(), " {2,}")[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            commands.Add(words.Length > 1 && Regex.IsMatch(words[1], "^[a-z][a-z-]*$") ? $"{words[0]} {words[1]}" : words[0]);
        }
        Assert.True(commands.Count >= 10, $"parsed only {commands.Count} commands from ./geo help:\n{help}");
        return commands.Distinct().ToList();
    }

    /// <summary>"run", "network import", "users seed-demo", ...: the first word after `./geo ` in the first
    /// column, plus its lowercase subcommand words (`users add\|seed-demo\|apikey` is three).</summary>
    internal static List<string> ReadmeCommands()
    {
        var readme = File.ReadAllText(Path.Combine(GeoScript.RepoRoot, "README.md"));
        var section = Regex.Match(readme, @"^## Commands\s*$(.*?)(?=^## )", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(section.Success, "README.md has no '## Commands' section");
        var commands = new List<string>();
        foreach (var line in section.Groups[1].Value.Split('\n').Where(l => l.StartsWith("| `./geo", StringComparison.Ordinal)))
        {
            var firstCell = Regex.Split(line, @"(?<!\\)\|")[1];
            foreach (Match span in Regex.Matches(firstCell, @"`\./geo ([^`]+)`"))
            {
                var words = span.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length > 1 && Regex.IsMatch(words[1], @"^[a-z][a-z-]*(\\\|[a-z][a-z-]*)*$"))
                    commands.AddRange(words[1].Split(@"\|").Select(sub => $"{words[0]} {sub}"));
                else
                    commands.Add(words[0]);
            }
        }
        Assert.True(commands.Count >= 10, $"parsed only {commands.Count} commands from README's table");
        return commands.Distinct().ToList();
    }
}
