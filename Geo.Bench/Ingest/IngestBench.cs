using System.Diagnostics;
using System.Globalization;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Ingest.Importers;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Bench.Ingest;

/// <summary>`./geo bench ingest`: 1,000,000 points from GeoJSON and from CSV, our whole import path (parse,
/// validate, assign regions, upsert, indexes maintained) against GDAL's ogr2ogr into the same durable
/// database; and our path against EF Core SaveChanges on 100,000 rows.</summary>
public static class IngestBench
{
    private const int Million = 1_000_000, EfRows = 100_000;

    public static async Task<int> RunAsync(string[] args)
    {
        // ingest [COUNT] [--ours-only]: a smaller count or only our path, for quick iterations
        var count = args.Length > 0 && int.TryParse(args[0], out var n) ? n : Million;
        var oursOnly = args.Contains("--ours-only");
        var skipEf = args.Contains("--no-ef"); // quick iterations: the 100k SaveChanges run takes minutes
        // the sorted insert runs under EXPLAIN ANALYZE to print where its time goes (a clock read per row and plan
        // node: about 1% of the insert); --no-phases runs it bare
        profile = !args.Contains("--no-phases");
        var cs = Environment.GetEnvironmentVariable("GEO_BENCH_DB") is { Length: > 0 } v ? v
            : throw new InvalidOperationException("GEO_BENCH_DB is not set (./geo bench sets it to a durable database)");
        await using var ds = GeoDb.CreateDataSource(cs);
        await using (var db = GeoDb.CreateContext(ds)) await db.Database.MigrateAsync();
        await PrintDurabilityAsync(ds);
        await EnsureRegionsAsync(ds);

        // real shapes beside the points: --polygons N buildings (0: none), --lines S an S × S street grid (0: none);
        // --shapes-only skips the point runs
        var polygons = IntOption(args, "--polygons", 100_000);
        var lines = IntOption(args, "--lines", 300);
        var shapesOnly = args.Contains("--shapes-only");

        var dir = Directory.CreateTempSubdirectory("geo-bench-ingest-").FullName;
        try
        {
            if (shapesOnly)
            {
                await ShapeRunsAsync(ds, OgrConnection(cs), dir, polygons, lines);
                return 0;
            }
            var geojson = Path.Combine(dir, "points.geojson");
            var csv = Path.Combine(dir, "points.csv");
            var csvSmall = Path.Combine(dir, "points-100k.csv");
            var gen = Stopwatch.StartNew();
            PointFiles.WriteGeoJson(geojson, count);
            PointFiles.WriteCsv(csv, count);
            PointFiles.WriteCsv(csvSmall, Math.Min(EfRows, count));
            Console.WriteLine(Inv($"generated {count:N0} points in {gen.Elapsed.TotalSeconds:0.0} s: GeoJSON {new FileInfo(geojson).Length / 1e6:0} MB, CSV {new FileInfo(csv).Length / 1e6:0} MB ({dir})"));
            Console.WriteLine();

            var ogr = OgrConnection(cs);
            var oursJson = await OursAsync(ds, geojson, count);
            if (oursOnly)
            {
                await OursAsync(ds, csv, count);
                await ReimportAsync(ds, csv);
                return 0;
            }
            var ogrJson = await TimeAsync(() => Ogr2Ogr(ds, ogr, geojson, "bench_ogr_geojson"));
            var oursCsv = await OursAsync(ds, csv, count);
            var ogrCsv = await TimeAsync(() => Ogr2Ogr(ds, ogr, csv, "bench_ogr_csv", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-a_srs", "EPSG:4326"));
            var again = await ReimportAsync(ds, csv);
            var efRows = Math.Min(EfRows, count);
            var ef = skipEf ? double.NaN : await EfSaveChangesAsync(ds, efRows);
            var ours100k = skipEf ? double.NaN : await OursAsync(ds, csvSmall, efRows);

            Console.WriteLine($"{"run",-44} {"rows",10} {"seconds",8} {"rows/s",10}");
            Row("ours GeoJSON (parse→validate→regions→upsert)", count, oursJson);
            Row("ogr2ogr -f PostgreSQL GeoJSON", count, ogrJson);
            Row("ours CSV", count, oursCsv);
            Row("ogr2ogr -f PostgreSQL CSV", count, ogrCsv);
            Row("ours CSV re-import (all unchanged)", count, again);
            Row("EF Core AddRange + SaveChanges", efRows, ef);
            Row("ours CSV", efRows, ours100k);
            Console.WriteLine();
            Ratio("GeoJSON: ours / ogr2ogr time", oursJson / ogrJson, "≤ 1.0", oursJson <= ogrJson);
            Ratio("CSV:     ours / ogr2ogr time", oursCsv / ogrCsv, "≤ 1.0", oursCsv <= ogrCsv);
            if (!skipEf) Ratio("100k:    SaveChanges / ours time", ef / ours100k, "≥ 10", ef / ours100k >= 10);
            Ratio("re-import unchanged / ogr2ogr GeoJSON load", again / ogrJson, "≤ 0.5", again / ogrJson <= 0.5);
            Ratio("re-import unchanged / ogr2ogr CSV load", again / ogrCsv, "(same file)", again / ogrCsv <= 0.5);
            Console.WriteLine();
            await ShapeRunsAsync(ds, ogr, dir, polygons, lines);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i < 0 ? fallback
            : i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v
            : throw new ArgumentException($"{name} needs a count ≥ 0");
    }

    /// <summary>Buildings (polygons with holes, multipolygons) through our importer and the walking network
    /// (an OSM street grid) through <c>./geo network import</c>'s code, each against ogr2ogr of the same file,
    /// with the row counts and geometries checked equal between the two.</summary>
    private static async Task ShapeRunsAsync(NpgsqlDataSource ds, string ogr, string dir, int polygons, int side)
    {
        if (polygons > 0)
        {
            var path = Path.Combine(dir, "buildings.geojson");
            var stats = ShapeFiles.WriteBuildings(path, polygons);
            Console.WriteLine(Inv($"generated {stats.Buildings:N0} buildings ({stats.MultiPolygons:N0} multipolygons, {stats.Holes:N0} holed parts (courtyards), {stats.Vertices:N0} vertices): GeoJSON {new FileInfo(path).Length / 1e6:0} MB"));
            var ours = await OursAsync(ds, path, polygons);
            var theirs = await TimeAsync(() => Ogr2Ogr(ds, ogr, path, "bench_ogr_buildings"));
            // the same shapes on both sides: per building, ST_Equals and the same vertex count
            var same = await ScalarAsync(ds, """
                SELECT count(*) FROM assets a JOIN bench_ogr_buildings o ON o.id = a.external_id
                WHERE a.source = 'buildings.geojson' AND ST_Equals(a.geom, o.geom) AND ST_NPoints(a.geom) = ST_NPoints(o.geom)
                """);
            var holes = await ScalarAsync(ds, "SELECT count(*) FROM (SELECT (ST_Dump(geom)).geom g FROM assets WHERE source = 'buildings.geojson') d WHERE ST_NumInteriorRings(g) > 0");
            var multis = await ScalarAsync(ds, "SELECT count(*) FROM assets WHERE source = 'buildings.geojson' AND GeometryType(geom) = 'MULTIPOLYGON'");
            if (same != polygons || holes != stats.Holes || multis != stats.MultiPolygons)
                throw new InvalidOperationException($"buildings differ: {same:N0} of {polygons:N0} equal to ogr2ogr's, {holes:N0} holed parts (expected {stats.Holes:N0}), {multis:N0} multipolygons (expected {stats.MultiPolygons:N0})");
            Console.WriteLine(Inv($"  checked: all {same:N0} buildings ST_Equals ogr2ogr's with the same vertex count; {holes:N0} holed parts, {multis:N0} multipolygons as generated"));
            Console.WriteLine($"{"run",-44} {"rows",10} {"seconds",8} {"rows/s",10}");
            Row("ours GeoJSON buildings (polygons)", polygons, ours);
            Row("ogr2ogr -f PostgreSQL GeoJSON buildings", polygons, theirs);
            Ratio("buildings: ours / ogr2ogr time", ours / theirs, "≤ 1.0", ours <= theirs);
            Console.WriteLine();
        }
        if (side > 1)
        {
            var path = Path.Combine(dir, "streets.osm");
            ShapeFiles.WriteStreetGrid(path, side);
            long ways = 2L * side, nodes = (long)side * side, edges = 2L * side * (side - 1);
            Console.WriteLine(Inv($"generated a {side} × {side} street grid: {ways:N0} ways, {nodes:N0} nodes, OSM XML {new FileInfo(path).Length / 1e6:0} MB"));
            var ours = await TimeAsync(async () =>
            {
                if (await Geo.Ingest.Cli.NetworkCli.RunAsync(ds, ["import", path]) != 0) throw new InvalidOperationException("network import failed");
            });
            var theirs = await TimeAsync(() => Ogr2Ogr(ds, ogr, path, "bench_ogr_streets", "lines"));
            var ourNodes = await ScalarAsync(ds, "SELECT count(*) FROM walk_nodes");
            var ourEdges = await ScalarAsync(ds, "SELECT count(*) FROM walk_edges");
            var ogrWays = await ScalarAsync(ds, "SELECT count(*) FROM bench_ogr_streets");
            // the same streets: the split edges add up to the ways (total length within a millimetre per way)
            var lengthGap = await ScalarAsync(ds, """
                SELECT round(abs((SELECT sum(ST_Length(geom::geography)) FROM walk_edges) - (SELECT sum(ST_Length(geom::geography)) FROM bench_ogr_streets)) * 1000)
                """);
            if (ourNodes != nodes || ourEdges != edges || ogrWays != ways || lengthGap > ways)
                throw new InvalidOperationException($"streets differ: {ourNodes:N0}/{nodes:N0} nodes, {ourEdges:N0}/{edges:N0} edges, ogr2ogr {ogrWays:N0}/{ways:N0} ways, total length off by {lengthGap} mm");
            Console.WriteLine(Inv($"  checked: {ourNodes:N0} nodes and {ourEdges:N0} edges as built; ogr2ogr {ogrWays:N0} ways; total lengths equal within {lengthGap} mm"));
            Console.WriteLine($"{"run",-44} {"rows",10} {"seconds",8} {"rows/s",10}");
            Row("ours network import (OSM → split edges)", edges, ours);
            Row("ogr2ogr -f PostgreSQL OSM lines (ways)", ways, theirs);
            Ratio("streets: ours / ogr2ogr time", ours / theirs, "≤ 1.0", ours <= theirs);
        }
    }

    private static void Row(string name, long rows, double s) =>
        Console.WriteLine(Inv($"{name,-44} {rows,10:N0} {s,8:0.00} {rows / s,10:N0}"));

    private static void Ratio(string name, double ratio, string target, bool met) =>
        Console.WriteLine(Inv($"{name,-34} {ratio,6:0.00}x   target {target}: {(met ? "met" : "NOT met")}"));

    private static bool profile = true;

    private static async Task<double> OursAsync(NpgsqlDataSource ds, string path, long expected)
    {
        await ExecAsync(ds, "TRUNCATE assets RESTART IDENTITY CASCADE");
        ImportReport? report = null;
        var s = await TimeAsync(async () => report = await AssetImporter.RunAsync(ds, new ImportOptions { Path = path, ProfileInsert = profile }));
        if (report!.Inserted != expected) throw new InvalidOperationException($"expected {expected} inserted: {report}");
        var assigned = await ScalarAsync(ds, "SELECT count(*) FROM assets WHERE grid_cell_id IS NOT NULL AND community_id IS NOT NULL");
        var indexes = await ScalarAsync(ds, "SELECT count(*) FROM pg_indexes WHERE tablename = 'assets'");
        Console.WriteLine(Inv($"  ours {Path.GetFileName(path)}: {report}; {assigned:N0} rows with grid cell + community; {indexes} indexes on assets"));
        foreach (var (phase, time) in report.Phases)
            Console.WriteLine(Inv($"    {phase,-44} {time.TotalSeconds,8:0.00} s {time / report.Elapsed,6:P0}"));
        return s;
    }

    /// <summary>The CSV again into the source it just created: every row unchanged (checked), with the phases.</summary>
    private static async Task<double> ReimportAsync(NpgsqlDataSource ds, string csv)
    {
        ImportReport? report = null;
        var s = await TimeAsync(async () => report = await AssetImporter.RunAsync(ds, new ImportOptions { Path = csv }));
        if (report!.Inserted + report.Updated != 0) throw new InvalidOperationException($"re-import changed rows: {report}");
        Console.WriteLine(Inv($"  ours re-import {Path.GetFileName(csv)}: {report}; {report.UnchangedByDigest:N0} left out by their stored digest"));
        foreach (var (phase, time) in report.Phases)
            Console.WriteLine(Inv($"    {phase,-44} {time.TotalSeconds,8:0.00} s {time / report.Elapsed,6:P0}"));
        return s;
    }

    private static async Task Ogr2Ogr(NpgsqlDataSource ds, string pg, string file, string table, params string[] extra)
    {
        await ExecAsync(ds, $"DROP TABLE IF EXISTS {table}");
        var psi = new ProcessStartInfo("ogr2ogr") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-f", "PostgreSQL", pg, file, "-nln", table, "-lco", "GEOMETRY_NAME=geom", .. extra]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ogr2ogr failed: {err}");
        var rows = await ScalarAsync(ds, $"SELECT count(*) FROM {table}");
        var gist = await ScalarAsync(ds, $"SELECT count(*) FROM pg_indexes WHERE tablename = '{table}' AND indexdef LIKE '%gist%'");
        Console.WriteLine(Inv($"  ogr2ogr {Path.GetFileName(file)}: {rows:N0} rows into {table}, {gist} GiST index"));
    }

    private static async Task<double> EfSaveChangesAsync(NpgsqlDataSource ds, int rows)
    {
        await ExecAsync(ds, "TRUNCATE assets RESTART IDENTITY CASCADE");
        return await TimeAsync(async () =>
        {
            await using var db = GeoDb.CreateContext(ds);
            db.Set<Asset>().AddRange(PointFiles.Rows(rows).Select(r => new Asset
            {
                Kind = AssetKinds.Parse(r.Kind), Name = r.Name, Source = "ef", ExternalId = r.Id, Geom = GeoFactory.Point(r.Lon, r.Lat),
                Attributes = r.Kind switch
                {
                    "wifi_hotspot" => new WifiHotspotAttributes(r.Ssid, 80),
                    "camera" => new CameraAttributes(CameraType.Surveillance, r.Heading, 90, 40),
                    "sensor" => new SensorAttributes(SensorType.Smoke),
                    _ => new ShopAttributes(Enum.Parse<LifeElement>(r.Category, ignoreCase: true), "supermarket"),
                },
            }));
            await db.SaveChangesAsync();
        });
    }

    /// <summary>Benchmarks on a cluster with test shortcuts would flatter every bulk path: show the settings.</summary>
    private static async Task PrintDurabilityAsync(NpgsqlDataSource ds)
    {
        var settings = new List<string>();
        foreach (var name in (string[])["fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers", "max_wal_size"])
        {
            await using var cmd = ds.CreateCommand($"SHOW {name}");
            settings.Add($"{name}={await cmd.ExecuteScalarAsync()}");
        }
        var version = await ScalarTextAsync(ds, "SELECT split_part(version(), ',', 1) || ', PostGIS ' || postgis_lib_version()");
        Console.WriteLine($"database: {version}; {string.Join(", ", settings)}");
        var durable = settings.Take(3).All(s => s.EndsWith("=on", StringComparison.Ordinal));
        Console.WriteLine(durable ? "durability is ON (fsync, synchronous_commit, full_page_writes): no test-cluster shortcuts"
            : "WARNING: durability is OFF: these figures are not comparable");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores (shared), .NET {Environment.Version}");
    }

    /// <summary>A synthetic region grid over the bbox (district → 16 subdistricts → 400 communities → 25,600
    /// grid cells of about 230 × 300 m), so that region assignment is part of what is measured.</summary>
    private static async Task EnsureRegionsAsync(NpgsqlDataSource ds)
    {
        if (await ScalarAsync(ds, "SELECT count(*) FROM regions WHERE code = 'BENCH'") > 0) return;
        FormattableString env(string i, string j, int n) =>
            $"ST_Multi(ST_MakeEnvelope({PointFiles.West} + {i} * {(PointFiles.East - PointFiles.West) / n}, {PointFiles.South} + {j} * {(PointFiles.North - PointFiles.South) / n}, {PointFiles.West} + ({i} + 1) * {(PointFiles.East - PointFiles.West) / n}, {PointFiles.South} + ({j} + 1) * {(PointFiles.North - PointFiles.South) / n}, 4326))";
        await ExecAsync(ds, Inv($"""
            INSERT INTO regions (level, code, name, geom, population, population_60_plus, pilot, synthetic)
            VALUES ('district', 'BENCH', '通州区(基准, synthetic)', {env("0", "0", 1)}, 0, 0, false, true);
            INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, pilot, synthetic)
            SELECT 'subdistrict', format('BENCH-S-%s-%s', i, j), format('街道 %s-%s', i, j), (SELECT id FROM regions WHERE code = 'BENCH'), {env("i", "j", 4)}, 0, 0, false, true
            FROM generate_series(0, 3) i, generate_series(0, 3) j;
            INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, pilot, synthetic)
            SELECT 'community', format('BENCH-C-%s-%s', i, j), format('社区 %s-%s', i, j), p.id, {env("i", "j", 20)}, 0, 0, false, true
            FROM generate_series(0, 19) i CROSS JOIN generate_series(0, 19) j JOIN regions p ON p.code = format('BENCH-S-%s-%s', i / 5, j / 5);
            INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, pilot, synthetic)
            SELECT 'grid_cell', format('BENCH-G-%s-%s', i, j), format('网格 %s-%s', i, j), p.id, {env("i", "j", 160)}, 0, 0, false, true
            FROM generate_series(0, 159) i CROSS JOIN generate_series(0, 159) j JOIN regions p ON p.code = format('BENCH-C-%s-%s', i / 8, j / 8);
            ANALYZE regions;
            """));
    }

    /// <summary>The Npgsql connection string as a libpq one for ogr2ogr's PG: datasource.</summary>
    private static string OgrConnection(string cs)
    {
        var b = new NpgsqlConnectionStringBuilder(cs);
        var parts = new List<string> { $"host={b.Host}", $"port={b.Port}", $"dbname={b.Database}", $"user={b.Username}" };
        if (!string.IsNullOrEmpty(b.Password)) parts.Add($"password={b.Password}");
        return "PG:" + string.Join(" ", parts);
    }

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        var sw = Stopwatch.StartNew();
        await run();
        return sw.Elapsed.TotalSeconds;
    }

    private static async Task ExecAsync(NpgsqlDataSource ds, string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
        await using var cp = ds.CreateCommand("CHECKPOINT"); // every timed run starts with clean shared buffers
        await cp.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource ds, string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> ScalarTextAsync(NpgsqlDataSource ds, string sql)
    {
        await using var cmd = ds.CreateCommand(sql);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
