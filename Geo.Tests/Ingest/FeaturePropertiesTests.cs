using Geo.Ingest.Importers;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

/// <summary>The GeoJSON reader's property bag without a per-feature dictionary behaves like the
/// case-insensitive dictionary it replaced, and shares each property name across features.</summary>
public sealed class FeaturePropertiesTests
{
    [Fact]
    public void Reads_like_a_case_insensitive_dictionary_and_shares_names_across_features()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("p.geojson", """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":"F1","geometry":{"type":"Point","coordinates":[116.65,39.90]},
               "properties":{"Name":"甲","ssid":"a","SSID":"b","n":3,"x":1.5,"ok":true,"nil":null,"obj":{"k":1},"\u540d\u79f0":"乙"}},
              {"type":"Feature","id":"F2","geometry":{"type":"Point","coordinates":[116.65,39.90]},
               "properties":{"id":"P2","name":"丙","ssid":"c"}}
            ]}
            """);
        using var reader = new GeoJsonFeatureReader(path);
        var features = reader.Read().ToList();
        Assert.All(features, f => Assert.Null(f.Error));
        var (a, b) = (features[0].Properties, features[1].Properties);

        Assert.Equal("甲", a["name"]);                 // any case
        Assert.Equal("b", a["ssid"]);                  // a later duplicate (in any case) replaces the earlier one
        Assert.Equal((3.0, 1.5, true), (Convert.ToDouble(a["n"], System.Globalization.CultureInfo.InvariantCulture), (double)a["x"]!, (bool)a["ok"]!));
        Assert.True(a.TryGetValue("nil", out var nil) && nil is null);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, ((System.Text.Json.JsonElement)a["obj"]!).ValueKind);
        Assert.Equal("乙", a["名称"]);                  // an escaped name is read too
        Assert.Equal("F1", a["id"]);                   // the Feature's id when properties have none
        Assert.Equal("P2", b["id"]);                   // properties' id wins over the Feature's
        Assert.False(a.ContainsKey("missing"));
        Assert.Equal(9, a.Count);

        // one string per distinct name, whatever the number of features
        var nameA = a.Keys.Single(k => k == "ssid" || k == "SSID");
        var nameB = b.Keys.Single(k => k == "ssid");
        Assert.Same(nameA, nameB);
    }
}
