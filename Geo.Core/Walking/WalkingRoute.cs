using System.Globalization;
using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Crs;
using Geo.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Geo.Core.Walking;

/// <summary>One end of a route: the point asked for, where it joins the network and how far that is.</summary>
public sealed record RouteEnd(double Lon, double Lat, double SnappedLon, double SnappedLat, double AccessM, string Name);

/// <summary>One instruction: the turn onto it (depart, straight, slight_left, left, sharp_left, … u_turn, arrive), the
/// street name where the network has one (walk_edges.name: OSM's name tag, or the synthetic network's made-up names;
/// null on unnamed lanes and the access legs), the metres walked until the next turn, the compass bearing leaving it,
/// where it starts (lon, lat), and the instruction as a resident reads it in zh-CN (<see cref="RouteStepText"/>).</summary>
public sealed record RouteStep(string Turn, string? Street, double Meters, int Bearing, double Lon, double Lat, string Text = "");

/// <summary>Links that hand the same trip to a navigation app; their URIs want GCJ-02 (Amap) and BD-09 (Baidu).</summary>
public sealed record RouteHandoff(string Amap, string Baidu);

/// <summary>A walk from <see cref="From"/> to <see cref="To"/>: the line (lon, lat pairs, access legs included),
/// true metres, minutes at the pace (from the network's effective cost, as isochrones count them), the steps and the
/// hand-off links. <see cref="Path"/> is the network walk it came from.</summary>
public sealed record WalkingRouteResult(RouteEnd From, RouteEnd To, WalkingProfile Pace, double Meters, double CostM, double Minutes,
    IReadOnlyList<double[]> Line, IReadOnlyList<RouteStep> Steps, RouteHandoff Handoff, RoutePath Path);

/// <summary>The shortest walk between two points on the in-memory walking network (GET /api/route and the map's 去这里).
/// Both ends snap to the nearest street (at most <see cref="WalkingReach.MaxSnapM"/> away) and the walk is the network's
/// cheapest path between the snap points, the same cost pgr_dijkstra finds on walk_edges.</summary>
public sealed class WalkingRoute(WalkingGraphProvider graphs, IDbContextFactory<GeoDbContext> contexts, AccessOptions access)
{
    /// <summary>Longest straight line between the ends: past it a walk is not what anyone asks for, and the search
    /// would touch most of the district.</summary>
    public const double MaxStraightM = 10_000;

    public async Task<WalkingRouteResult> RouteAsync(double fromLon, double fromLat, double toLon, double toLat, WalkingProfile pace,
        string? toName = null, CancellationToken ct = default)
    {
        var straight = Geodesy.Distance(fromLon, fromLat, toLon, toLat);
        if (straight > MaxStraightM)
            throw GeoException.BadInput("to", $"the destination is {straight / 1000:F1} km away in a straight line; a walking route is offered up to {MaxStraightM / 1000:F0} km");
        var graph = await graphs.GetAsync(ct);
        if (graph.EdgeCount == 0)
            throw GeoException.Unavailable("network", "The walking network is empty: run ./geo network generate or ./geo network import FILE.");
        var from = graph.SnapPoint(fromLon, fromLat, WalkingReach.MaxSnapM)
            ?? throw GeoException.Unprocessable("from", $"no walkable street within {WalkingReach.MaxSnapM:F0} m of the start ({fromLon}, {fromLat})");
        var to = graph.SnapPoint(toLon, toLat, WalkingReach.MaxSnapM)
            ?? throw GeoException.Unprocessable("to", $"no walkable street within {WalkingReach.MaxSnapM:F0} m of the destination ({toLon}, {toLat})");
        var path = graph.ShortestPath(from, to)
            ?? throw GeoException.Unprocessable("to", "the walking network does not connect the start to the destination");
        return Describe(graph, path, pace, toName ?? "终点");
    }

    /// <summary>Where a place (asset) is and what it is called, for routing to it by id; cameras and sensors only for
    /// those who may see them (anyone else gets the same 404 as for a missing id).</summary>
    public async Task<(double Lon, double Lat, string Name)> PlaceAsync(long id, ClaimsPrincipal? user, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var a = await db.Assets.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Kind, x.Name, x.Geom }).FirstOrDefaultAsync(ct);
        if (a is null || !SensitiveLayers.CanSee(user, access.ExposeSensitiveLayers, a.Kind))
            throw GeoException.NotFound("to_id", $"no place with id {id}");
        var p = a.Geom is NetTopologySuite.Geometries.Point pt ? pt : a.Geom.InteriorPoint;
        return (p.X, p.Y, a.Name);
    }

    private static WalkingRouteResult Describe(WalkingGraph g, RoutePath path, WalkingProfile pace, string toName)
    {
        var (from, to) = (path.From, path.To);
        // the pieces walked, access legs included, as polylines with their true length
        var legs = new List<(double[] LonLat, double M, string? Street)>();
        if (from.AccessM > 0) legs.Add(([from.PointLon, from.PointLat, from.Lon, from.Lat], from.AccessM, null));
        foreach (var p in path.Pieces)
        {
            if (p.F0 != p.F1) legs.Add((g.PieceLonLat(p), g.PieceLength(p), g.EdgeName(p.Edge)));
        }
        if (to.AccessM > 0) legs.Add(([to.Lon, to.Lat, to.PointLon, to.PointLat], to.AccessM, null));

        var line = new List<double[]>();
        foreach (var (pts, _, _) in legs)
        {
            for (var i = 0; i < pts.Length; i += 2)
            {
                if (line.Count > 0 && line[^1][0] == pts[i] && line[^1][1] == pts[i + 1]) continue;
                line.Add([Math.Round(pts[i], 7), Math.Round(pts[i + 1], 7)]);
            }
        }
        if (line.Count == 1) line.Add(line[0]); // start and end on the same spot: still a LineString
        var meters = legs.Sum(l => l.M);
        var minutes = path.Cost / pace.MetresPerMinute;
        var start = new RouteEnd(from.PointLon, from.PointLat, from.Lon, from.Lat, from.AccessM, "起点");
        var end = new RouteEnd(to.PointLon, to.PointLat, to.Lon, to.Lat, to.AccessM, toName);
        return new WalkingRouteResult(start, end, pace, Math.Round(meters, 2), Math.Round(path.Cost, 2), Math.Round(minutes, 1),
            line, Steps(legs, to), Handoff(start, end), path);
    }

    /// <summary>A step lasts until the direction changes by 30° or more at a junction or a bend, or the street's name
    /// changes (straight on into another named street is a step of its own: 直行进入 …); an unnamed piece (an access leg,
    /// a lane) never splits a named step and a named piece names the unnamed step it continues. Legs under a metre never
    /// start one (their bearing is noise).</summary>
    private static List<RouteStep> Steps(List<(double[] LonLat, double M, string? Street)> legs, Snap to)
    {
        var steps = new List<RouteStep>();
        double? lastBearing = null;
        foreach (var (pts, m, street) in legs)
        {
            for (var i = 2; i < pts.Length; i += 2)
            {
                var segM = Geodesy.Distance(pts[i - 2], pts[i - 1], pts[i], pts[i + 1]);
                var segShare = m * segM / Math.Max(Geodesy.Length(pts), 1e-9);
                if (segM < 1 && steps.Count > 0)
                {
                    steps[^1] = steps[^1] with { Meters = steps[^1].Meters + segShare };
                    continue;
                }
                var b = Bearing(pts[i - 2], pts[i - 1], pts[i], pts[i + 1]);
                var turn = lastBearing is { } lb ? Turn(b - lb) : "depart";
                var same = steps.Count > 0 && (street is null || steps[^1].Street is null || steps[^1].Street == street);
                if (turn == "straight" && same)
                    steps[^1] = steps[^1] with { Meters = steps[^1].Meters + segShare, Street = steps[^1].Street ?? street };
                else steps.Add(new RouteStep(turn, street, segShare, (int)Math.Round(b) % 360, Math.Round(pts[i - 2], 7), Math.Round(pts[i - 1], 7)));
                lastBearing = b;
            }
        }
        for (var i = 0; i < steps.Count; i++) steps[i] = steps[i] with { Meters = Math.Round(steps[i].Meters, 1) };
        steps.Add(new RouteStep("arrive", null, 0, (int)Math.Round(lastBearing ?? 0) % 360, Math.Round(to.PointLon, 7), Math.Round(to.PointLat, 7)));
        return steps.Select(x => x with { Text = RouteStepText.Describe(x, english: false) }).ToList();
    }

    private static double Bearing(double lon1, double lat1, double lon2, double lat2)
    {
        var (kx, ky) = Geodesy.MetresPerDegree((lat1 + lat2) / 2);
        var deg = Math.Atan2((lon2 - lon1) * kx, (lat2 - lat1) * ky) * 180 / Math.PI;
        return deg < 0 ? deg + 360 : deg;
    }

    /// <summary>A change of bearing (clockwise positive) as a turn.</summary>
    internal static string Turn(double delta)
    {
        delta = ((delta % 360) + 540) % 360 - 180; // (-180, 180]
        var a = Math.Abs(delta);
        var side = delta > 0 ? "right" : "left";
        return a switch
        {
            < 30 => "straight",
            < 60 => "slight_" + side,
            < 135 => side,
            < 170 => "sharp_" + side,
            _ => "u_turn",
        };
    }

    private static RouteHandoff Handoff(RouteEnd from, RouteEnd to)
    {
        static string F(double v) => v.ToString("F6", CultureInfo.InvariantCulture);
        var (gfLon, gfLat) = ChineseOffsets.Wgs84ToGcj02(from.Lon, from.Lat);
        var (gtLon, gtLat) = ChineseOffsets.Wgs84ToGcj02(to.Lon, to.Lat);
        var (bfLon, bfLat) = ChineseOffsets.Wgs84ToBd09(from.Lon, from.Lat);
        var (btLon, btLat) = ChineseOffsets.Wgs84ToBd09(to.Lon, to.Lat);
        string N(string s) => Uri.EscapeDataString(s);
        var amap = $"https://uri.amap.com/navigation?from={F(gfLon)},{F(gfLat)},{N(from.Name)}&to={F(gtLon)},{F(gtLat)},{N(to.Name)}&mode=walk&coordinate=gaode";
        var baidu = $"http://api.map.baidu.com/direction?origin=latlng:{F(bfLat)},{F(bfLon)}|name:{N(from.Name)}&destination=latlng:{F(btLat)},{F(btLon)}|name:{N(to.Name)}"
            + "&mode=walking&coord_type=bd09ll&output=html&src=geo.tongzhou";
        return new RouteHandoff(amap, baidu);
    }
}
