using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Geo.Api;
using Geo.Core.Incidents;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Bench;

/// <summary>The residents bench, report with one phone photo: POST /api/incidents over real HTTP on 127.0.0.1 (the in-process
/// host) with one photo of the size a phone sends after the on-device resize, timed from send to the 201 receipt, beside
/// the raw INSERT floor (the case row and its photo bytes in one plain INSERT … WITH statement: no locating, no checks,
/// no audit event, no idempotency key). Not measured here: the device's own resize (a canvas re-encode in the browser) and
/// the radio; the photo's bytes are a structurally valid JPEG (markers, EXIF with GPS, 1600×1200 frame header, a scan
/// of random bytes) because the server parses markers and never decodes pixels, so its work is the same as for a photo.</summary>
internal static partial class ResidentsBench
{
    /// <summary>What a 3 MB, 4000×3000 phone photo weighs after the form's resize to 1600 px (JPEG re-encode): ~0.5 MB.</summary>
    private const int ResizedBytes = 500 * 1024;

    private static async Task ReportAsync(string cs, NpgsqlDataSource ds, WalkingGraph graph, int reports)
    {
        var (lon, lat) = graph.NodeLonLat(0);
        await EnsureCellAsync(ds, lon, lat);
        var photo = PhoneJpeg(ResizedBytes, new Random(7));
        var b64 = Convert.ToBase64String(photo);
        await using var app = await BenchHost.StartAsync(cs, a => a.MapIncidentsApi());
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        var run = "bench-residents-" + Guid.NewGuid().ToString("N")[..8];

        async Task<double> PostAsync(int i)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var msg = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
            {
                Content = JsonContent.Create(new { category = "sanitation", lon, lat, description = $"{run}-{i} 垃圾桶满溢 (synthetic bench report)", photos = new[] { new { base64 = b64 } } }),
            };
            msg.Headers.Add(IncidentIntake.IdempotencyHeader, $"{run}-{i}");
            using var res = await http.SendAsync(msg);
            if (res.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"report {i}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
            return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        await using var conn = await ds.OpenConnectionAsync();
        await using var raw = new NpgsqlCommand("""
            WITH ins AS (
              INSERT INTO incidents (category_code, status, description, geom, source, reported_at, updated_at, deadline_at)
              VALUES ('sanitation', 'reported', $1, $2, 'resident', now(), now(), now() + interval '2 days') RETURNING id)
            INSERT INTO incident_photos (incident_id, position, content_type, data) SELECT id, 1, 'image/jpeg', $3 FROM ins
            """, conn);
        raw.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
        raw.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Geometry, Value = GeoFactory.Point(lon, lat) });
        raw.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = photo });
        async Task<double> RawAsync(int i)
        {
            var t0 = Stopwatch.GetTimestamp();
            raw.Parameters[0].Value = $"{run}-raw-{i} (synthetic bench floor)";
            await raw.ExecuteNonQueryAsync();
            return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        for (var i = 0; i < 3; i++) { await PostAsync(-1 - i); await RawAsync(-1 - i); } // JIT, connections, plans
        var ours = new List<double>(reports);
        var floor = new List<double>(reports);
        for (var i = 0; i < reports; i++)
        {
            ours.Add(await PostAsync(i));
            floor.Add(await RawAsync(i));
        }
        await app.StopAsync();
        Console.WriteLine($"report with one photo: {reports} reports one after another, photo {photo.Length / 1024} KiB (the resized size of a 3 MB phone photo), base64 in JSON over HTTP on 127.0.0.1");
        Console.WriteLine($"  ours (POST /api/incidents → 201: checks, EXIF strip, locate, case + event + photo + key in one statement): median {Pct(ours, 0.5):F1} ms   p90 {Pct(ours, 0.9):F1} ms   max {ours.Max():F1} ms");
        Console.WriteLine($"  floor, raw INSERT of the case row and the photo bytes:                                     median {Pct(floor, 0.5):F1} ms   p90 {Pct(floor, 0.9):F1} ms");
        Console.WriteLine($"  ratio ours / floor: median {Pct(ours, 0.5) / Pct(floor, 0.5):F1}x");
    }

    /// <summary>A grid cell under the point, so the report is located (the bench database may have no regions).</summary>
    private static async Task EnsureCellAsync(NpgsqlDataSource ds, double lon, double lat)
    {
        await using (var check = ds.CreateCommand("SELECT count(*) FROM regions WHERE level = 'grid_cell' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))"))
        {
            check.Parameters.AddWithValue(lon);
            check.Parameters.AddWithValue(lat);
            if ((long)(await check.ExecuteScalarAsync())! > 0) return;
        }
        var square = GeoFactory.Wgs84.CreateMultiPolygon([(NetTopologySuite.Geometries.Polygon)GeoFactory.Wgs84.ToGeometry(
            new NetTopologySuite.Geometries.Envelope(lon - 0.005, lon + 0.005, lat - 0.005, lat + 0.005))]);
        long? parent = null;
        var tag = Guid.NewGuid().ToString("N")[..6];
        foreach (var level in new[] { "district", "subdistrict", "community", "grid_cell" })
        {
            await using var cmd = ds.CreateCommand("""
                INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, grid_manager, pilot, synthetic)
                VALUES ($1, $2, $3, $4, $5, 0, 0, $6, false, true) RETURNING id
                """);
            cmd.Parameters.AddWithValue(level);
            cmd.Parameters.AddWithValue($"BENCH-RES-{tag}-{level}");
            cmd.Parameters.AddWithValue($"合成{level} (bench)");
            cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)parent ?? DBNull.Value);
            cmd.Parameters.AddWithValue(square);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, level == "grid_cell" ? "合成网格员" : DBNull.Value);
            parent = (long)(await cmd.ExecuteScalarAsync())!;
        }
        Console.WriteLine($"report: added a synthetic 0.01° district/community/grid cell around ({lon:F4}, {lat:F4}) (code BENCH-RES-{tag}-*)");
    }

    /// <summary>SOI, APP0 JFIF, APP1 EXIF (a phone's: ~12 KiB with GPS tags), DQT, SOF0 1600×1200, SOS, random scan bytes
    /// (0xFF stuffed as 0xFF00, as an encoder writes them), EOI: <paramref name="size"/> bytes in all.</summary>
    private static byte[] PhoneJpeg(int size, Random rnd)
    {
        var o = new MemoryStream(size + 64);
        void Seg(byte marker, byte[] body) { o.WriteByte(0xFF); o.WriteByte(marker); o.WriteByte((byte)((body.Length + 2) >> 8)); o.WriteByte((byte)(body.Length + 2)); o.Write(body); }
        o.Write([0xFF, 0xD8]);
        Seg(0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        var exif = new byte[12 * 1024];
        rnd.NextBytes(exif);
        "Exif\0\0MM\0*GPSLatitude"u8.CopyTo(exif);
        Seg(0xE1, exif);
        Seg(0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        Seg(0xC0, [8, 1200 >> 8, 1200 & 0xFF, 1600 >> 8, 1600 & 0xFF, 1, 1, 0x11, 0]);
        Seg(0xDA, [1, 1, 0, 0, 63, 0]);
        var scan = new byte[Math.Max(0, size - (int)o.Length - 2)];
        rnd.NextBytes(scan);
        for (var i = 0; i < scan.Length; i++) if (scan[i] == 0xFF) scan[i] = 0xFE;
        o.Write(scan);
        o.Write([0xFF, 0xD9]);
        return o.ToArray();
    }
}
