using Geo.Core.Walking;
using Geo.Tests.Infrastructure;
using Npgsql;

namespace Geo.Tests.Core;

/// <summary>The route is the network's true shortest walk: its cost equals pgr_dijkstra on the same walk_edges between
/// the same snapped ends, and its pieces are one connected chain.</summary>
public sealed class WalkingRouteTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const string Edges = "SELECT id, source, target, cost, reverse_cost FROM walk_edges";

    [Fact]
    public async Task Random_routes_cost_what_pgr_dijkstra_finds_between_the_same_snapped_ends_and_form_a_connected_chain()
    {
        await WalkNetworks.SquareAsync(db.DataSource, seed: 21);
        var g = await WalkingGraph.LoadAsync(db.DataSource);
        var rnd = new Random(2112);
        for (var k = 0; k < 30; k++)
        {
            double P(double o) => o + rnd.NextDouble() * WalkNetworks.SizeDeg;
            var from = g.SnapPoint(P(WalkNetworks.Lon), P(WalkNetworks.Lat))!.Value;
            var to = g.SnapPoint(P(WalkNetworks.Lon), P(WalkNetworks.Lat))!.Value;
            var path = g.ShortestPath(from, to)!;

            // independent: every way of leaving the origin's edge and entering the destination's, costed by pgr_dijkstraCost
            var starts = g.Seeds(from);
            var ends = Ends(g, to);
            var between = await PgrDijkstraCostAsync(db.DataSource, [.. starts.Select(s => g.NodeId(s.Node))], [.. ends.Select(e => g.NodeId(e.Node))]);
            var expected = double.PositiveInfinity;
            foreach (var (sn, sc) in starts)
            {
                foreach (var (en, ec) in ends)
                {
                    var mid = sn == en ? 0 : between.GetValueOrDefault((g.NodeId(sn), g.NodeId(en)), double.PositiveInfinity);
                    expected = Math.Min(expected, sc + mid + ec);
                }
            }
            if (from.Edge == to.Edge) expected = Math.Min(expected, from.AccessM + Math.Abs(to.Fraction - from.Fraction) * g.EdgeCost(from.Edge) + to.AccessM);
            Assert.True(Math.Abs(expected - path.Cost) <= Math.Max(0.01, 1e-6 * expected), $"pair {k}: ours {path.Cost:F4}, pgRouting {expected:F4}");

            // the pieces: a chain of whole edges between the partial first and last, each starting where the last ended
            Assert.Equal(from.Edge, path.Pieces[0].Edge);
            Assert.Equal(to.Edge, path.Pieces[^1].Edge);
            for (var i = 1; i < path.Pieces.Count; i++)
            {
                Assert.Equal(EndNode(g, path.Pieces[i - 1]), StartNode(g, path.Pieces[i]));
                if (i < path.Pieces.Count - 1) Assert.Equal(1, Math.Abs(path.Pieces[i].F1 - path.Pieces[i].F0));
            }
            Assert.Equal(path.Cost, from.AccessM + path.Pieces.Sum(g.PieceCost) + to.AccessM, 6);

            // and the whole edges are what pgr_dijkstra walks between the first and last node (same cost; ties may differ in edges)
            if (path.Nodes.Count >= 2)
            {
                var pgr = await PgrDijkstraAsync(db.DataSource, g.NodeId(path.Nodes[0]), g.NodeId(path.Nodes[^1]));
                Assert.Equal(pgr, path.Pieces.Skip(1).SkipLast(1).Sum(g.PieceCost), 6);
            }
        }
    }

    [Fact]
    public void Turns_follow_the_change_of_bearing()
    {
        Assert.Equal("straight", WalkingRoute.Turn(10));
        Assert.Equal("right", WalkingRoute.Turn(90));
        Assert.Equal("left", WalkingRoute.Turn(-90));
        Assert.Equal("left", WalkingRoute.Turn(270));
        Assert.Equal("slight_right", WalkingRoute.Turn(45));
        Assert.Equal("u_turn", WalkingRoute.Turn(180));
    }

    private static (int Node, double Cost)[] Ends(WalkingGraph g, Snap to)
    {
        var e = to.Edge;
        var ends = new List<(int, double)>();
        if (g.EdgeCost(e) >= 0) ends.Add((g.EdgeSource(e), to.Fraction * g.EdgeCost(e) + to.AccessM));
        if (g.EdgeReverseCost(e) >= 0) ends.Add((g.EdgeTarget(e), (1 - to.Fraction) * g.EdgeReverseCost(e) + to.AccessM));
        return [.. ends];
    }

    private static int StartNode(WalkingGraph g, RoutePiece p) => p.F0 == 0 ? g.EdgeSource(p.Edge) : p.F0 == 1 ? g.EdgeTarget(p.Edge) : -1;
    private static int EndNode(WalkingGraph g, RoutePiece p) => p.F1 == 0 ? g.EdgeSource(p.Edge) : p.F1 == 1 ? g.EdgeTarget(p.Edge) : -2;

    private static async Task<Dictionary<(long, long), double>> PgrDijkstraCostAsync(NpgsqlDataSource ds, long[] from, long[] to)
    {
        await using var cmd = ds.CreateCommand($"SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost('{Edges}', $1, $2, true)");
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        var result = new Dictionary<(long, long), double>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result[(r.GetInt64(0), r.GetInt64(1))] = r.GetDouble(2);
        return result;
    }

    private static async Task<double> PgrDijkstraAsync(NpgsqlDataSource ds, long from, long to)
    {
        if (from == to) return 0;
        await using var cmd = ds.CreateCommand($"SELECT max(agg_cost + cost) FROM pgr_dijkstra('{Edges}', $1, $2, true)");
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        return (double)(await cmd.ExecuteScalarAsync())!;
    }
}
