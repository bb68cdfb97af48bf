using System.Diagnostics;
using System.Globalization;
using Geo.Core.Coverage;
using Geo.Core.Crs;
using Geo.Core.Data;
using Geo.Core.Scorecard;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Bench;

/// <summary>`./geo bench coverage`: district Wi-Fi coverage with 10,000 hotspots, ours (scanline over exact
/// disks) vs the PostGIS pipeline (ST_Union of geography ST_Buffer, intersected with the area) vs shapely
/// (GEOS), same points, same run; then the whole scorecard on the run database.</summary>
internal static class CoverageBench
{
    private const int Hotspots = 10_000, Rounds = 5;

    public static async Task<int> RunAsync()
    {
        var cs = Environment.GetEnvironmentVariable("GEO_BENCH_DB") ?? GeoDb.ConnectionStringFromEnvironment();
        await using var db = GeoDb.CreateDataSource(cs);
        await Durability.PrintAsync(db);

        // the urban core: the 11 街道 when the base layers are loaded, else a 12 × 11.8 km block of the old town
        var area = await UrbanAreaAsync(db) ?? GeoFactory.Wgs84.ToGeometry(new Envelope(116.60, 116.74, 39.85, 39.956));
        var areaKm2 = GeoMetric.AreaSquareMetres(area) / 1e6;
        Console.WriteLine($"area: {areaKm2:F1} km², {Hotspots:N0} hotspots of 50–150 m (seed 42)");
        await SeedAsync(db, area);

        var ours = new List<double>(); var pg = new List<double>(); var pg32 = 0.0;
        double oursShare = 0, pgShare = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var sw = Stopwatch.StartNew();
            var disks = await LoadDisksAsync(db);
            var res = ScanlineCoverage.Measure(new PolygonShape(GeoMetric.ToMetric(area)), disks);
            ours.Add(sw.Elapsed.TotalMilliseconds);
            oursShare = res.Share;

            sw.Restart();
            pgShare = await PostgisShareAsync(db, area, 8);
            pg.Add(sw.Elapsed.TotalMilliseconds);
        }
        pg32 = await PostgisShareAsync(db, area, 32);
        var (shapelyMs, shapelyShare) = await ShapelyAsync(db, area);

        double Med(List<double> xs) { xs.Sort(); return xs[xs.Count / 2]; }
        var o = Med(ours); var p = Med(pg);
        Console.WriteLine($"ours (scanline, exact circles)            median {o,8:F1} ms  covered {oursShare:P3}");
        Console.WriteLine($"PostGIS ST_Union(ST_Buffer(geog)) 8 segs  median {p,8:F1} ms  covered {pgShare:P3}  (32-gons under-count each disk by 0.64%)");
        Console.WriteLine($"PostGIS same with quad_segs=32 (reference)                  covered {pg32:P3}  ours/ref = {oursShare / pg32:F4}");
        Console.WriteLine($"shapely (GEOS) unary_union of buffers     median {shapelyMs,8:F1} ms  covered {shapelyShare:P3}");
        Console.WriteLine($"speed-up: {p / o:F1}x vs PostGIS, {shapelyMs / o:F1}x vs shapely (target ≥ 5x both)");

        await ScorecardAsync();
        return 0;
    }

    private static async Task<Geometry?> UrbanAreaAsync(NpgsqlDataSource db)
    {
        await using var run = GeoDb.CreateDataSource(GeoDb.ConnectionStringFromEnvironment());
        try
        {
            return (await CoverageInputs.ResolveRegionAsync(run, CoverageInputs.UrbanArea, default))?.Wgs84;
        }
        catch (NpgsqlException) { return null; }
    }

    private static async Task SeedAsync(NpgsqlDataSource db, Geometry area)
    {
        await using (var cmd = db.CreateCommand("""
            DROP TABLE IF EXISTS bench_hotspots;
            CREATE TABLE bench_hotspots (id int PRIMARY KEY, geom geometry(Point, 4326) NOT NULL, radius_m float8 NOT NULL);
            """)) await cmd.ExecuteNonQueryAsync();
        var rng = new Random(42);
        var env = area.EnvelopeInternal;
        var prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(area);
        await using var conn = await db.OpenConnectionAsync();
        await using (var w = await conn.BeginBinaryImportAsync("COPY bench_hotspots (id, geom, radius_m) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Hotspots;)
            {
                var pt = GeoFactory.Point(env.MinX + rng.NextDouble() * env.Width, env.MinY + rng.NextDouble() * env.Height);
                if (!prepared.Contains(pt)) continue;
                await w.StartRowAsync();
                await w.WriteAsync(i++);
                await w.WriteAsync((Geometry)pt);
                await w.WriteAsync(50 + rng.NextDouble() * 100);
            }
            await w.CompleteAsync();
        }
        await using var idx = new NpgsqlCommand("CREATE INDEX ON bench_hotspots USING gist (geom); ANALYZE bench_hotspots", conn);
        await idx.ExecuteNonQueryAsync();
    }

    private static async Task<List<CoverShape>> LoadDisksAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT ST_X(geom), ST_Y(geom), radius_m FROM bench_hotspots");
        var list = new List<CoverShape>(Hotspots);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var (x, y) = GeoMetric.ToMetric(r.GetDouble(0), r.GetDouble(1));
            list.Add(new DiskShape(x, y, r.GetDouble(2)));
        }
        return list;
    }

    private static async Task<double> PostgisShareAsync(NpgsqlDataSource db, Geometry area, int quadSegs)
    {
        await using var cmd = db.CreateCommand("""
            SELECT ST_Area(ST_Intersection(ST_Union(ST_Buffer(geom::geography, radius_m, 'quad_segs=' || $2)::geometry), $1)::geography)
                   / ST_Area($1::geography)
            FROM bench_hotspots
            """);
        cmd.Parameters.AddWithValue(area);
        cmd.Parameters.AddWithValue(quadSegs);
        cmd.CommandTimeout = 600;
        return (double)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>shapely on the same points in the same metric plane (EPSG:4548 via pyproj), timed inside python.</summary>
    private static async Task<(double Ms, double Share)> ShapelyAsync(NpgsqlDataSource db, Geometry area)
    {
        var dir = Directory.CreateTempSubdirectory("geo-bench-cov");
        var pts = Path.Combine(dir.FullName, "hotspots.csv");
        await using (var f = File.CreateText(pts))
        {
            await using var cmd = db.CreateCommand("SELECT ST_X(geom), ST_Y(geom), radius_m FROM bench_hotspots ORDER BY id");
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                await f.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{r.GetDouble(0):R},{r.GetDouble(1):R},{r.GetDouble(2):R}"));
        }
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "area.wkt"), area.AsText());
        var script = Path.Combine(dir.FullName, "cov.py");
        await File.WriteAllTextAsync(script, """
            import sys, time, statistics
            from shapely import wkt, ops
            from shapely.geometry import Point
            from shapely.ops import transform
            from pyproj import Transformer
            d = sys.argv[1]
            tr = Transformer.from_crs("EPSG:4326", "EPSG:4548", always_xy=True)
            area = transform(tr.transform, wkt.loads(open(d + "/area.wkt").read()))
            rows = [tuple(map(float, l.split(","))) for l in open(d + "/hotspots.csv")]
            times = []
            for _ in range(5):
                t = time.perf_counter()
                disks = [Point(*tr.transform(x, y)).buffer(r) for x, y, r in rows]
                share = ops.unary_union(disks).intersection(area).area / area.area
                times.append((time.perf_counter() - t) * 1000)
            print(statistics.median(times), share)
            """);
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, dir.FullName]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var proc = Process.Start(psi)!;
        var output = await proc.StandardOutput.ReadToEndAsync();
        await proc.WaitForExitAsync();
        dir.Delete(true);
        if (proc.ExitCode != 0) { Console.WriteLine("shapely failed: " + await proc.StandardError.ReadToEndAsync()); return (double.NaN, double.NaN); }
        var parts = output.Trim().Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static async Task ScorecardAsync()
    {
        await using var run = GeoDb.CreateDataSource(GeoDb.ConnectionStringFromEnvironment());
        try
        {
            var times = new List<double>();
            Scorecard? card = null;
            for (var i = 0; i < 3; i++)
            {
                card = await new ScorecardEngine(run).ComputeAsync();
                times.Add(card.ElapsedMs);
            }
            times.Sort();
            Console.WriteLine($"scorecard: {card!.Communities.Count} communities, {card.Subdistricts.Count} towns, median {times[1] / 1000:F2} s " +
                $"(district binding passed {card.District?.BindingPassed}/{card.District?.BindingTotal})");
        }
        catch (NpgsqlException ex) { Console.WriteLine("scorecard skipped (no run database): " + ex.Message); }
    }
}

/// <summary>Benchmarks must run with durability on; print the settings so the figures say so.</summary>
internal static class Durability
{
    public static async Task PrintAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        Console.WriteLine($"durability: fsync={r.GetString(0)} synchronous_commit={r.GetString(1)} full_page_writes={r.GetString(2)}");
    }
}
