using Geo.Ingest.Network;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

public sealed class OsmWalkImporterTests
{
    private const string Osm = """
        <?xml version="1.0" encoding="UTF-8"?>
        <osm version="0.6" generator="test">
          <node id="1" lat="39.900" lon="116.600" version="1"/>
          <node id="2" lat="39.900" lon="116.601" version="1"/>
          <node id="3" lat="39.900" lon="116.602" version="1"/>
          <node id="4" lat="39.899" lon="116.601" version="1"/>
          <node id="5" lat="39.901" lon="116.601" version="1"/>
          <node id="6" lat="39.902" lon="116.601" version="1"/>
          <node id="7" lat="39.903" lon="116.601" version="1"/>
          <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="name" v="玉带河东街"/></way>
          <way id="11" version="1"><nd ref="4"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="footway"/></way>
          <way id="12" version="1"><nd ref="5"/><nd ref="6"/><tag k="highway" v="motorway"/></way>
          <way id="13" version="1"><nd ref="5"/><nd ref="6"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
          <way id="14" version="1"><nd ref="6"/><nd ref="7"/><tag k="highway" v="path"/><tag k="foot" v="no"/></way>
          <way id="15" version="1"><nd ref="1"/><nd ref="4"/><tag k="highway" v="primary"/></way>
          <way id="16" version="1"><nd ref="3"/><nd ref="5"/><tag k="highway" v="primary"/><tag k="sidewalk" v="both"/><tag k="name:zh" v="新华大街"/></way>
          <way id="17" version="1"><nd ref="6"/><nd ref="7"/><tag k="highway" v="steps"/></way>
        </osm>
        """;

    [Fact]
    public void Keeps_walkable_ways_respects_foot_and_access_and_splits_at_intersections()
    {
        using (var tmp = new TempDir("geo-osm-"))
        {
            var path = tmp.Write("walk.osm", Osm);
            var net = OsmWalkImporter.Read(path);
            var ways = net.Edges.Select(e => e.OsmWayId).ToList();
            // 10 and 11 cross at node 2: two edges each; 16 has sidewalks; 17 (steps) stands alone
            Assert.Equal([10L, 10, 11, 11, 16, 17], ways.Select(w => w!.Value).Order());
            Assert.DoesNotContain(12L, ways); // motorway
            Assert.DoesNotContain(13L, ways); // access=private
            Assert.DoesNotContain(14L, ways); // foot=no
            Assert.DoesNotContain(15L, ways); // primary without sidewalk
            Assert.All(net.Edges.Where(e => e.OsmWayId is 10 or 11), e => Assert.InRange(e.LengthM, 84, 112)); // 0.001° each
            var steps = net.Edges.Single(e => e.OsmWayId == 17);
            Assert.Equal(1.5, steps.CostFactor);
            Assert.False(net.Synthetic);
        }
    }

    [Fact]
    public void Keeps_each_ways_name_on_all_its_edges_and_none_where_it_has_none()
    {
        using var tmp = new TempDir("geo-osm-");
        var net = OsmWalkImporter.Read(tmp.Write("walk.osm", Osm));
        Assert.All(net.Edges.Where(e => e.OsmWayId == 10), e => Assert.Equal("玉带河东街", e.Name)); // split at node 2: both halves
        Assert.Equal(2, net.Edges.Count(e => e.OsmWayId == 10));
        Assert.Equal("新华大街", net.Edges.Single(e => e.OsmWayId == 16).Name); // name:zh when there is no name
        Assert.All(net.Edges.Where(e => e.OsmWayId is 11 or 17), e => Assert.Null(e.Name));
    }
}
