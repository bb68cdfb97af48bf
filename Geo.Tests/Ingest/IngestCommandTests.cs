using Geo.Ingest.Cli;

namespace Geo.Tests.Ingest;

public sealed class IngestCommandTests
{
    [Fact]
    public void Parses_the_documented_options()
    {
        var o = IngestCommand.Parse(["data/x.csv", "--kind", "camera", "--crs", "gcj-02", "--source", "registry", "--encoding", "gbk", "--repair"]);
        Assert.Equal(("data/x.csv", "camera", "gcj-02", true, "registry", "gbk", true), (o.Path, o.Kind, o.Crs, o.CrsExplicit, o.EffectiveSource, o.Encoding, o.Repair));
        var d = IngestCommand.Parse(["/tmp/a/shops.geojson"]);
        Assert.Equal(("EPSG:4326", false, "shops.geojson", false), (d.Crs, d.CrsExplicit, d.EffectiveSource, d.Repair));
    }

    [Theory]
    [InlineData("--kind")]
    [InlineData("a.csv", "--crs", "EPSG:2000")]
    [InlineData("a.csv", "--bogus")]
    [InlineData("a.csv", "b.csv")]
    public void Rejects_bad_arguments(params string[] args) => Assert.Throws<ArgumentException>(() => IngestCommand.Parse(args));
}
