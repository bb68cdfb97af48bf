using System.Text;
using Geo.Ingest.Importers;
using Geo.Tests.Infrastructure;
using Npgsql;

namespace Geo.Tests.Ingest;

/// <summary>Small helpers to import and count; a test's input files go in a <see cref="TempDir"/>.</summary>
internal static class IngestKit
{
    static IngestKit() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gbk => Encoding.GetEncoding("GBK");

    public static Task<ImportReport> ImportAsync(PostgisFixture db, string path, string? kind = "wifi_hotspot", string? crs = null,
        string? encoding = null, bool repair = false, string? source = null) =>
        AssetImporter.RunAsync(db.DataSource, new ImportOptions
        {
            Path = path, Kind = kind, Crs = crs ?? "EPSG:4326", CrsExplicit = crs is not null,
            Encoding = encoding, Repair = repair, Source = source,
        });

    /// <summary>Asserts the import is refused with a message containing every fragment, and that the
    /// assets table is exactly as before (same row count, nothing from this source).</summary>
    public static async Task<ImportException> RefusedAsync(PostgisFixture db, string path, string[] fragments, string? kind = "wifi_hotspot",
        string? crs = null, string? encoding = null)
    {
        var before = await CountAsync(db.DataSource);
        var e = await Assert.ThrowsAsync<ImportException>(() => ImportAsync(db, path, kind, crs, encoding));
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        Assert.Equal(before, await CountAsync(db.DataSource));
        Assert.Equal(0, await CountAsync(db.DataSource, Path.GetFileName(path)));
        return e;
    }

    public static async Task<long> CountAsync(NpgsqlDataSource ds, string? source = null)
    {
        await using var cmd = ds.CreateCommand(source is null ? "SELECT count(*) FROM assets" : "SELECT count(*) FROM assets WHERE source = $1");
        if (source is not null) cmd.Parameters.AddWithValue(source);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource ds, string sql, params object[] args)
    {
        await using var cmd = ds.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A FeatureCollection of points: (id, lon, lat, extra properties JSON without braces).</summary>
    public static string Points(params (string Id, double Lon, double Lat, string Props)[] points) =>
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", points.Select(p =>
            $"{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{p.Lon.ToString(System.Globalization.CultureInfo.InvariantCulture)},{p.Lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}]}},\"properties\":{{\"id\":\"{p.Id}\"{(p.Props.Length > 0 ? "," + p.Props : "")}}}}}")) + "]}";

    /// <summary>Runs ogr2ogr (Debian gdal-bin) to make Shapefile/GeoPackage inputs from a GeoJSON.</summary>
    public static void Ogr2Ogr(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ogr2ogr") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ogr2ogr failed: {err}");
    }
}
