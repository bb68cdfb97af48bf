using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Hosting;

namespace Geo.Tests.Architecture;

/// <summary>The web host composes only what it runs: it does not load the CLI (Geo.Ingest, with OsmSharp, Spectre.Console
/// and SQLite), the CLI needs neither ASP.NET Core nor Quartz, and background work has one home, Geo.Jobs. Each check
/// reads what is built or declared (project files, deps.json, runtimeconfig.json, the loaded assemblies), not a list kept
/// by hand, so a new reference or a new hosted service anywhere else fails here.</summary>
public sealed class HostCompositionTests
{
    /// <summary>Hosted services that stay in Geo.Api, each with why. The request pipeline reads their state on every request
    /// (the probe's verdict turns requests into 503s and cancels waiting statements; the monitor's verdict routes each read
    /// through <c>GeoReads.For(HttpContext)</c>): the loop is the sampling half of an Api-owned gate, and moving it would
    /// make Geo.Jobs reference Geo.Api or split HTTP-bound state into Core. A new entry needs a reason as good.</summary>
    private static readonly Dictionary<string, string> StaysInApi = new(StringComparer.Ordinal)
    {
        ["Geo.Api.Hardening.DatabaseProbe"] = "request gate: 503 and DownToken while the database is down",
        ["Geo.Api.Scale.ReplicaMonitor"] = "read routing: GeoReads sends each request's reads by its lag",
    };

    private static string Root => OneHomeTests.RepoRoot();

    /// <summary>The project files reachable from <paramref name="project"/> through ProjectReference, itself included.</summary>
    private static List<string> ProjectClosure(string project)
    {
        var seen = new List<string>();
        var todo = new Stack<string>([Path.GetFullPath(Path.Combine(Root, project, project + ".csproj"))]);
        while (todo.TryPop(out var file))
        {
            if (seen.Contains(file)) continue;
            seen.Add(file);
            foreach (var r in XDocument.Load(file).Descendants("ProjectReference"))
            {
                // a build-only reference (ReferenceOutputAssembly=false) is not loaded by the process
                if (string.Equals((string?)r.Attribute("ReferenceOutputAssembly"), "false", StringComparison.OrdinalIgnoreCase)) continue;
                todo.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, ((string)r.Attribute("Include")!).Replace('\\', '/'))));
            }
        }
        return seen;
    }

    private static IEnumerable<string> Items(string csproj, string item) =>
        XDocument.Load(csproj).Descendants(item).Select(e => (string?)e.Attribute("Include") ?? "");

    /// <summary>A sibling project's build output, same configuration as this test run (…/Geo.Tests/bin/Debug/net10.0/).</summary>
    private static string Output(string project, string file)
    {
        var mine = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var rel = Path.GetRelativePath(Path.Combine(Root, "Geo.Tests"), mine);
        var path = Path.Combine(Root, project, rel, file);
        Assert.True(File.Exists(path), $"{path} not built");
        return path;
    }

    private static List<string> DepsLibraries(string depsJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(depsJson));
        return doc.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
    }

    [Fact]
    public void The_web_host_does_not_reference_the_ingest_cli()
    {
        var closure = ProjectClosure("Geo.Web").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.DoesNotContain("Geo.Ingest", closure);
        Assert.Contains("Geo.Jobs", closure);

        // what the web process loads: its deps.json, and the assemblies its code was compiled against
        var libraries = DepsLibraries(Output("Geo.Web", "Geo.Web.deps.json"));
        foreach (var cliOnly in new[] { "Geo.Ingest", "OsmSharp", "Spectre.Console", "Microsoft.Data.Sqlite.Core" })
            Assert.DoesNotContain(cliOnly, libraries);
        Assert.DoesNotContain("Geo.Ingest", typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public void The_ingest_cli_needs_neither_aspnetcore_nor_quartz()
    {
        foreach (var csproj in ProjectClosure("Geo.Ingest"))
        {
            var name = Path.GetFileNameWithoutExtension(csproj);
            Assert.DoesNotContain("Microsoft.AspNetCore.App", Items(csproj, "FrameworkReference"));
            Assert.DoesNotContain("Quartz", Items(csproj, "PackageReference"));
            Assert.True(name is "Geo.Ingest" or "Geo.Core", $"Geo.Ingest reaches {name}: files in, rows out needs Core only");
        }

        using var runtime = JsonDocument.Parse(File.ReadAllText(Output("Geo.Ingest", "Geo.Ingest.runtimeconfig.json")));
        var options = runtime.RootElement.GetProperty("runtimeOptions");
        var frameworks = options.TryGetProperty("frameworks", out var many) ? many.EnumerateArray().ToList() : [options.GetProperty("framework")];
        Assert.DoesNotContain("Microsoft.AspNetCore.App", frameworks.Select(f => f.GetProperty("name").GetString()));
        Assert.DoesNotContain("Quartz", DepsLibraries(Output("Geo.Ingest", "Geo.Ingest.deps.json")));
        Assert.DoesNotContain(typeof(Geo.Ingest.Cli.UsersCli).Assembly.GetReferencedAssemblies(),
            a => a.Name is "Quartz" || a.Name!.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) && !a.Name.StartsWith("Microsoft.AspNetCore.Cryptography.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_hosted_service_and_job_lives_in_geo_jobs()
    {
        Assembly[] solution =
        [
            typeof(Geo.Core.Data.GeoDbContext).Assembly, typeof(Geo.Api.GeoServices).Assembly, typeof(Geo.Jobs.GeoJobs).Assembly,
            typeof(Geo.Ingest.Cli.UsersCli).Assembly, typeof(Program).Assembly,
        ];
        var background = solution
            .SelectMany(a => { try { return a.GetTypes(); } catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>().ToArray(); } })
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .Where(t => typeof(IHostedService).IsAssignableFrom(t) || typeof(Quartz.IJob).IsAssignableFrom(t) || typeof(Quartz.IJobListener).IsAssignableFrom(t))
            .ToList();
        Assert.Contains(background, t => t.Assembly == typeof(Geo.Jobs.GeoJobs).Assembly); // the scan sees what it looks for

        var misplaced = background
            .Where(t => t.Assembly != typeof(Geo.Jobs.GeoJobs).Assembly && !StaysInApi.ContainsKey(t.FullName!))
            .Select(t => $"{t.FullName} in {t.Assembly.GetName().Name}").ToList();
        Assert.True(misplaced.Count == 0, "background work belongs in Geo.Jobs:\n" + string.Join("\n", misplaced));
        // an exception that no longer exists (moved, deleted) leaves the list
        foreach (var name in StaysInApi.Keys) Assert.Contains(background, t => t.FullName == name && t.Assembly == typeof(Geo.Api.GeoServices).Assembly);
    }
}
