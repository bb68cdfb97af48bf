using System.IO.Compression;
using System.Text;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Geo.Tests.Ingest;

/// <summary>The happy path of every format: rows arrive with name, status, typed attributes and flags.</summary>
public sealed class FormatImportTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task GeoJson_feature_collection_with_mixed_kinds_and_a_polygon()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("mixed.geojson", """
            {"type":"FeatureCollection","name":"x","features":[
              {"type":"Feature","id":"W1","geometry":{"type":"Point","coordinates":[116.65,39.90]},
               "properties":{"name":"运河公园热点","ssid":"TZ-Free","coverage_radius_m":80,"status":"maintenance"}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[116.66,39.91,12.5]},
               "properties":{"编号":"C7","kind":"camera","camera_type":"video_intercom","heading_deg":"90","synthetic":true}},
              {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[116.70,39.80],[116.71,39.80],[116.71,39.81],[116.70,39.81],[116.70,39.80]]]},
               "properties":{"id":"S1","kind":"shelter","名称":"避难场所一","capacity":1200}}
            ]}
            """);
        var report = await IngestKit.ImportAsync(db, path);
        Assert.Equal((3L, 3L, 0L, 0L), (report.Read, report.Inserted, report.Updated, report.Unchanged));

        await using var ctx = db.CreateContext();
        var rows = await ctx.Set<Asset>().Where(a => a.Source == "mixed.geojson").OrderBy(a => a.ExternalId).ToListAsync();
        Assert.Equal(["C7", "S1", "W1"], rows.Select(r => r.ExternalId));
        var cam = Assert.IsType<CameraAttributes>(rows[0].Attributes);
        Assert.Equal((CameraType.VideoIntercom, 90.0), (cam.CameraType, cam.HeadingDeg));
        Assert.True(rows[0].Synthetic);
        Assert.Equal("摄像头 C7", rows[0].Name); // no name given: kind name + id
        Assert.Equal(("避难场所一", 1200), (rows[1].Name, ((ShelterAttributes)rows[1].Attributes).Capacity));
        Assert.Equal("Polygon", rows[1].Geom.GeometryType);
        Assert.Equal(("运河公园热点", AssetStatus.Maintenance), (rows[2].Name, rows[2].Status));
        Assert.Equal(new WifiHotspotAttributes("TZ-Free", 80), rows[2].Attributes);
        Assert.Equal(4326, rows[2].Geom.SRID);
    }

    [Fact]
    public async Task Csv_utf8_with_bom_and_any_case_lon_lat_headers()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("screens.csv", "ID,Name,Longitude,LAT,size_inches,can_show_warnings\r\n" +
                                          "D1,\"北关, 东门屏\",116.655,39.905,55,是\r\nD2,西门屏,116.656,39.906,,false\r\n",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var report = await IngestKit.ImportAsync(db, path, kind: "display_screen");
        Assert.Equal(2, report.Inserted);
        await using var ctx = db.CreateContext();
        var d1 = await ctx.Set<Asset>().SingleAsync(a => a.Source == "screens.csv" && a.ExternalId == "D1");
        Assert.Equal("北关, 东门屏", d1.Name);
        Assert.Equal(new DisplayScreenAttributes(55, true), d1.Attributes);
        Assert.Equal((116.655, 39.905), (d1.Geom.Coordinate.X, d1.Geom.Coordinate.Y));
    }

    [Fact]
    public async Task Csv_in_gbk_as_chinese_offices_export_is_detected()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("商铺.csv", "编号,名称,经度,纬度,category,shop_type\n" +
                                       "G1,永辉超市通州店,116.66,39.91,购,supermarket\nG2,社区卫生服务站,116.67,39.92,健,clinic\n", IngestKit.Gbk);
        Assert.NotNull(Geo.Ingest.Importers.TextEncodings.FirstInvalidUtf8Line(path)); // really not UTF-8
        var report = await IngestKit.ImportAsync(db, path, kind: "shop");
        Assert.Equal(2, report.Inserted);
        Assert.Contains(report.Warnings, w => w.Contains("GB18030"));
        await using var ctx = db.CreateContext();
        var g1 = await ctx.Set<Asset>().SingleAsync(a => a.Source == "商铺.csv" && a.ExternalId == "G1");
        Assert.Equal("永辉超市通州店", g1.Name);
        Assert.Equal(new ShopAttributes(LifeElement.Shop, "supermarket"), g1.Attributes);
    }

    [Fact]
    public async Task Shapefile_with_gbk_cpg_as_shp_folder_and_zip()
    {
        using var s = new TempDir("geo-ingest-test-");
        var src = s.Write("src.geojson", IngestKit.Points(("K1", 116.60, 39.80, "\"name\":\"一键通终端甲\",\"accessible\":\"1\""),
                                                          ("K2", 116.61, 39.81, "\"name\":\"乙\",\"services\":\"求助\"")));
        var dir = Directory.CreateDirectory(Path.Combine(s.Path, "kiosks")).FullName;
        IngestKit.Ogr2Ogr("-f", "ESRI Shapefile", "-lco", "ENCODING=CP936", Path.Combine(dir, "kiosks.shp"), src);
        Assert.True(File.Exists(Path.Combine(dir, "kiosks.cpg")));

        var shp = await IngestKit.ImportAsync(db, Path.Combine(dir, "kiosks.shp"), kind: "kiosk");
        Assert.Equal(2, shp.Inserted);
        var folder = await IngestKit.ImportAsync(db, dir, kind: "kiosk");
        Assert.Equal("kiosks", folder.Source);
        Assert.Equal(2, folder.Inserted);
        var zip = Path.Combine(s.Path, "kiosks.zip");
        ZipFile.CreateFromDirectory(dir, zip);
        Assert.Equal(2, (await IngestKit.ImportAsync(db, zip, kind: "kiosk")).Inserted);

        await using var ctx = db.CreateContext();
        var names = await ctx.Set<Asset>().Where(a => a.Source == "kiosks.zip").OrderBy(a => a.ExternalId).Select(a => a.Name).ToListAsync();
        Assert.Equal(["一键通终端甲", "乙"], names);
        var k2 = await ctx.Set<Asset>().SingleAsync(a => a.Source == "kiosks.shp" && a.ExternalId == "K2");
        Assert.Equal(new KioskAttributes(true, "求助"), k2.Attributes);
    }

    [Fact]
    public async Task GeoPackage_feature_table()
    {
        using var s = new TempDir("geo-ingest-test-");
        var src = s.Write("src.geojson", IngestKit.Points(("V1", 116.62, 39.82, "\"name\":\"车辆道闸\",\"smart_parking\":true,\"parking_spaces\":40")));
        var gpkg = Path.Combine(s.Path, "gates.gpkg");
        IngestKit.Ogr2Ogr("-f", "GPKG", gpkg, src, "-nln", "gates");
        var report = await IngestKit.ImportAsync(db, gpkg, kind: "vehicle_gate");
        Assert.Equal(1, report.Inserted);
        await using var ctx = db.CreateContext();
        var v1 = await ctx.Set<Asset>().SingleAsync(a => a.Source == "gates.gpkg");
        Assert.Equal(("V1", "车辆道闸"), (v1.ExternalId, v1.Name));
        Assert.Equal(new VehicleGateAttributes(true, 40), v1.Attributes);
        Assert.Equal((116.62, 39.82), (v1.Geom.Coordinate.X, v1.Geom.Coordinate.Y));
    }

    [Fact]
    public async Task Source_defaults_to_the_file_name_and_can_be_named()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("a.geojson", IngestKit.Points(("X1", 116.65, 39.90, "")));
        Assert.Equal("a.geojson", (await IngestKit.ImportAsync(db, path)).Source);
        var named = await IngestKit.ImportAsync(db, path, source: "registry-2026");
        Assert.Equal(("registry-2026", 1L), (named.Source, named.Inserted)); // another source: a new row
        Assert.Equal(1, await IngestKit.CountAsync(db.DataSource, "registry-2026"));
    }
}
