using System.Text.RegularExpressions;
using Geo.Jobs.Live;
using Geo.Tests.Infrastructure;
using Geo.Web.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Architecture;

/// <summary>Every use case has one home in Geo.Core: the map's components call it, never an endpoint.</summary>
public sealed partial class OneHomeTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Geo.sln"))) return dir.FullName;
        throw new InvalidOperationException("Geo.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\b(HttpResults|TypedResults|IResult|ProblemHttpResult|[A-Z][A-Za-z]*Api)\b")]
    private static partial Regex HttpLayer();

    [Fact]
    public void The_map_references_no_endpoint_class_and_no_http_result()
    {
        var web = Path.Combine(RepoRoot(), "Geo.Web");
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                     .Where(f => Path.GetFileName(f) != "Program.cs")) // the host composes Core, the API and the map
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].Split("//")[0];
                if (HttpLayer().Match(code) is { Success: true } m) offenders.Add($"{Path.GetRelativePath(web, file)}:{i + 1}: {m.Value}");
            }
        }
        Assert.True(offenders.Count == 0, "Geo.Web reaches into the HTTP layer:\n" + string.Join("\n", offenders));
    }

    /// <summary>A component injects the use case it shows (a Core service holding its own dependencies), never the
    /// data source or the walking graph to hand to a static method.</summary>
    [Fact]
    public void Components_inject_use_cases_not_the_data_source_or_the_walking_graph()
    {
        Type[] plumbing = [typeof(Npgsql.NpgsqlDataSource), typeof(Geo.Core.Walking.WalkingGraphProvider)];
        var offenders = typeof(Geo.Web.Components.Views.PlannerPanel).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Where(p => p.IsDefined(typeof(Microsoft.AspNetCore.Components.InjectAttribute), inherit: true) && plumbing.Contains(p.PropertyType))
                .Select(p => $"{t.Name}.{p.Name}: {p.PropertyType.Name}"))
            .ToList();
        Assert.True(offenders.Count == 0, "components inject plumbing instead of a use case:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task One_change_feed_reader_serves_tiles_and_boards_and_misses_nothing_across_a_lost_connection()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var listener = app.Services.GetRequiredService<DbNotificationListener>();
        var feed = app.Services.GetRequiredService<IncidentFeed>();
        var cache = app.Services.GetRequiredService<Geo.Api.Tiles.TileCache>();
        await listener.Listening.WaitAsync(TimeSpan.FromSeconds(20));
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        feed.Changed += heard.Enqueue;
        var ds = db.DataSource;
        await GridFixtures.CellAsync(ds, "NL", 116.60, 39.90, 0.01, "刘网格");

        // exactly one reader connection for both topics, and no LISTEN/NOTIFY at all
        Assert.Equal(1, await GridFixtures.CountAsync(ds, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'geo change feed'"));
        Assert.Equal(0, await GridFixtures.CountAsync(ds, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"));

        // the database drops the reader's connection; a case is written while it is away
        await using (var kill = ds.CreateCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'geo change feed'"))
            await kill.ExecuteNonQueryAsync();
        var intake = new Geo.Core.Incidents.IncidentIntake(Geo.Core.Data.GeoDb.CreateContextFactory(db.DataSource));
        var during = await intake.ReportAsync(new Geo.Core.Incidents.IncidentReport("noise", 116.605, 39.905, "夜间施工",
            Geo.Core.Domain.IncidentSource.Staff, "test", Geo.Core.Domain.GeoRoles.Planner), DateTimeOffset.UtcNow);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (listener.Reconnects == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(1, listener.Reconnects);
        Assert.True(cache.Listening);

        // the reader resumed after its last position: the case written in the gap arrives (no "re-query everything"), and
        // so does one written afterwards, in order
        var after = await intake.ReportAsync(new Geo.Core.Incidents.IncidentReport("noise", 116.606, 39.906, "夜间施工 2",
            Geo.Core.Domain.IncidentSource.Staff, "test", Geo.Core.Domain.GeoRoles.Planner), DateTimeOffset.UtcNow);
        string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (!heard.Any(h => h.Split(',').Contains(Id(after.Id))) && DateTime.UtcNow < deadline) await Task.Delay(50);
        var order = heard.ToList();
        var i1 = order.FindIndex(h => h.Split(',').Contains(Id(during.Id)));
        var i2 = order.FindIndex(h => h.Split(',').Contains(Id(after.Id)));
        Assert.True(i1 >= 0 && i2 > i1, $"heard: {string.Join(" | ", order)}");
        Assert.DoesNotContain("*", order);
    }

    /// <summary>Transaction ids are cluster-wide: a transaction left open in another database (a long import, a
    /// forgotten session) must not hold this database's feed back. One open in this database may delay it, never lose.</summary>
    [Fact]
    public async Task A_transaction_open_in_another_database_does_not_hold_the_feed_back()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var listener = app.Services.GetRequiredService<DbNotificationListener>();
        var feed = app.Services.GetRequiredService<IncidentFeed>();
        await listener.Listening.WaitAsync(TimeSpan.FromSeconds(20));
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        feed.Changed += heard.Enqueue;
        await GridFixtures.CellAsync(db.DataSource, "OT", 116.62, 39.90, 0.01, "孙网格");

        // another database's writer, holding a transaction id for the whole test
        await using var other = new Npgsql.NpgsqlConnection(PostgisFixture.AdminConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var hold = new Npgsql.NpgsqlCommand("SELECT pg_current_xact_id()", other, tx)) await hold.ExecuteScalarAsync();

        var intake = new Geo.Core.Incidents.IncidentIntake(Geo.Core.Data.GeoDb.CreateContextFactory(db.DataSource));
        var incident = await intake.ReportAsync(new Geo.Core.Incidents.IncidentReport("noise", 116.625, 39.905, "夜间施工",
            Geo.Core.Domain.IncidentSource.Staff, "test", Geo.Core.Domain.GeoRoles.Planner), DateTimeOffset.UtcNow);
        var id = incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!heard.Any(h => h.Split(',').Contains(id)) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Contains(heard, h => h.Split(',').Contains(id));
        await tx.RollbackAsync();
    }

    [Theory]
    [InlineData("Walking:Profiles:elderly", "0", "Walking:Profiles:elderly")]
    [InlineData("Walking:CorridorM", "-3", "Walking:CorridorM")]
    [InlineData("Geo:Tiles:MaxAgeSeconds", "-1", "MaxAgeSeconds")]
    [InlineData("Geo:Scorecard:RefreshAfter", "-00:01:00", "RefreshAfter")]
    public async Task A_bad_setting_stops_the_host_at_start_naming_it(string key, string value, string named)
    {
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { [key] = value });
        var ex = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains(named, ex.ToString());
    }
}
