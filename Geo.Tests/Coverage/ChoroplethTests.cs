using Geo.Core.Scorecard;

namespace Geo.Tests.Coverage;

/// <summary>Equal-interval classes of the planner's choropleth.</summary>
public sealed class ChoroplethTests
{
    [Fact]
    public void Classes_split_the_range_evenly_and_every_value_falls_in_exactly_one()
    {
        var values = new[] { 0.0, 0.25, 0.5, 0.75, 1.0, 0.1, 0.9 };
        var classes = Choropleth.Classes(values);
        Assert.Equal(5, classes.Count);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8], classes.Select(c => c.From));
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0], classes.Select(c => c.To));
        Assert.Equal(0, Choropleth.ClassOf(classes, 0.0));
        Assert.Equal(1, Choropleth.ClassOf(classes, 0.2)); // a bound belongs to the class it starts
        Assert.Equal(4, Choropleth.ClassOf(classes, 1.0)); // the maximum closes the last class
        Assert.Equal(Choropleth.Colours, classes.Select(c => c.Colour));
        // few distinct values: as many classes as values; one value: one class
        Assert.Equal(2, Choropleth.Classes([3.0, 7.0, 3.0]).Count);
        var single = Assert.Single(Choropleth.Classes([0.5, 0.5]));
        Assert.Equal((0.5, 0.5), (single.From, single.To));
        Assert.Empty(Choropleth.Classes([]));
    }
}
