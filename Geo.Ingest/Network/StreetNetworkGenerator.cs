using Geo.Core.Walking;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace Geo.Ingest.Network;

/// <summary>Knobs of the synthetic street network. Defaults give a district-sized network (about 240,000
/// edges inside Tongzhou's outline at scale 1); tests pass a small outline and the same rules.</summary>
public sealed record StreetNetworkOptions
{
    public int Seed { get; init; } = 42;

    /// <summary>Edge count grows roughly linearly with the scale (block spacing shrinks by its square root).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Block spacing in metres at scale 1: Tongzhou's old town and new city blocks are 80–150 m.</summary>
    public double BaseSpacingM { get; init; } = 85;

    /// <summary>Every n-th grid line is an arterial: straight, never dropped.</summary>
    public int ArterialEvery { get; init; } = 10;

    public double DropLocalProbability { get; init; } = 0.08;
    public double CulDeSacProbability { get; init; } = 0.12;
    public double BendProbability { get; init; } = 0.3;

    public bool River { get; init; } = true;

    /// <summary>Rows between bridges, counted from the middle row (which always has one): a value larger
    /// than the grid leaves a single bridge.</summary>
    public int BridgeEveryRows { get; init; } = 24;

    public bool Rail { get; init; } = true;
    public int RailCrossingEveryColumns { get; init; } = 18;

    public double SpacingM => BaseSpacingM / Math.Sqrt(Scale);
}

/// <summary>Deterministic synthetic street network inside a real outline: a jittered block grid with
/// straight arterials, dropped local links, bent local streets and cul-de-sacs, cut by a meandering
/// river and a rail line that only bridges and level crossings get across. Every grid line is one named street
/// (<see cref="SyntheticStreetNames"/>); cul-de-sacs stay unnamed, as most lanes are. Randomness is a hash of
/// (seed, grid position), not a running generator, so a node's fate does not depend on visiting order.</summary>
public sealed class StreetNetworkGenerator(StreetNetworkOptions options)
{
    private const int SaltJx = 1, SaltJy = 2, SaltDropH = 3, SaltDropV = 4, SaltSpur = 5, SaltBend = 6, SaltSpurDir = 7;

    public WalkNetwork Generate(Geometry outline)
    {
        var env = outline.EnvelopeInternal;
        var plane = new LocalPlane(env.Centre.X, env.Centre.Y);
        var (x0, y0) = plane.ToXY(env.MinX, env.MinY);
        var (x1, y1) = plane.ToXY(env.MaxX, env.MaxY);
        var s = options.SpacingM;
        var cols = (int)Math.Ceiling((x1 - x0) / s) + 1;
        var rows = (int)Math.Ceiling((y1 - y0) / s) + 1;
        var inside = new IndexedPointInAreaLocator(outline);
        var barriers = new Barriers(options, x0, y0, x1, y1);
        var midRow = rows / 2;

        // Lattice positions (jittered, in the local plane) and whether each lies inside the outline.
        var px = new double[cols * rows];
        var py = new double[cols * rows];
        var ok = new bool[cols * rows];
        for (var j = 0; j < rows; j++)
        {
            for (var i = 0; i < cols; i++)
            {
                var k = j * cols + i;
                var jitter = 0.15 * s;
                px[k] = x0 + i * s + (i % options.ArterialEvery == 0 ? 0 : (U(i, j, SaltJx) - 0.5) * 2 * jitter);
                py[k] = y0 + j * s + (j % options.ArterialEvery == 0 ? 0 : (U(i, j, SaltJy) - 0.5) * 2 * jitter);
                var (lon, lat) = plane.ToLonLat(px[k], py[k]);
                ok[k] = inside.Locate(new Coordinate(lon, lat)) != Location.Exterior;
            }
        }

        var network = new WalkNetwork { Synthetic = true };
        var ids = new long[cols * rows];
        long Id(int k)
        {
            if (ids[k] == 0)
            {
                var (lon, lat) = plane.ToLonLat(px[k], py[k]);
                ids[k] = network.AddNode(lon, lat);
            }
            return ids[k];
        }

        for (var j = 0; j < rows; j++)
        {
            for (var i = 0; i < cols; i++)
            {
                var a = j * cols + i;
                if (!ok[a]) continue;
                // east and north links
                for (var dir = 0; dir < 2; dir++)
                {
                    var (ni, nj) = dir == 0 ? (i + 1, j) : (i, j + 1);
                    if (ni >= cols || nj >= rows) continue;
                    var b = nj * cols + ni;
                    if (!ok[b]) continue;
                    var arterial = dir == 0 ? j % options.ArterialEvery == 0 : i % options.ArterialEvery == 0;
                    var crossesRiver = barriers.CrossesRiver(px[a], py[a], px[b], py[b]);
                    var crossesRail = barriers.CrossesRail(px[a], py[a], px[b], py[b]);
                    if (crossesRiver && !(dir == 0 && (j - midRow) % options.BridgeEveryRows == 0)) continue;
                    if (crossesRail && !(dir == 1 && i % options.RailCrossingEveryColumns == 0)) continue;
                    var special = arterial || crossesRiver || crossesRail;
                    if (!special && U(i, j, dir == 0 ? SaltDropH : SaltDropV) < options.DropLocalProbability) continue;
                    var line = !special && U(i, j, SaltBend + dir * 10) < options.BendProbability
                        ? Bent(plane, px[a], py[a], px[b], py[b], (U(i, j, SaltBend + dir * 10 + 1) - 0.5) * 0.16 * s)
                        : Line(plane, px[a], py[a], px[b], py[b]);
                    // one name per grid line: an east link continues row j's street, a north link column i's
                    var name = dir == 0 ? SyntheticStreetNames.EastWest(j, options.ArterialEvery) : SyntheticStreetNames.NorthSouth(i, options.ArterialEvery);
                    network.AddEdge(Id(a), Id(b), arterial ? "primary" : "residential", line, name: name);
                }
                // a cul-de-sac into the block north-east or south-west of this node (diagonal, so it never
                // meets another street: jitter and bends stay well inside the remaining gap)
                if (U(i, j, SaltSpur) < options.CulDeSacProbability)
                {
                    var sx = U(i, j, SaltSpurDir) < 0.5 ? 1 : -1;
                    var ex = px[a] + sx * 0.42 * s;
                    var ey = py[a] + sx * 0.42 * s;
                    var (elon, elat) = plane.ToLonLat(ex, ey);
                    if (inside.Locate(new Coordinate(elon, elat)) != Location.Exterior
                        && !barriers.CrossesRiver(px[a], py[a], ex, ey) && !barriers.CrossesRail(px[a], py[a], ex, ey))
                    {
                        var end = network.AddNode(elon, elat);
                        network.AddEdge(Id(a), end, "service", Line(plane, px[a], py[a], ex, ey));
                    }
                }
            }
        }
        return network;
    }

    private double U(int i, int j, int salt)
    {
        // SplitMix64 finaliser over (seed, i, j, salt): uniform in [0, 1), independent of call order.
        var z = (ulong)options.Seed * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)i << 32 | (uint)j) * 0xBF58476D1CE4E5B9UL ^ (ulong)salt * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    private static double[] Line(LocalPlane plane, double ax, double ay, double bx, double by)
    {
        var (alon, alat) = plane.ToLonLat(ax, ay);
        var (blon, blat) = plane.ToLonLat(bx, by);
        return [alon, alat, blon, blat];
    }

    private static double[] Bent(LocalPlane plane, double ax, double ay, double bx, double by, double offset)
    {
        var (dx, dy) = (bx - ax, by - ay);
        var len = Math.Sqrt(dx * dx + dy * dy);
        var (mx, my) = ((ax + bx) / 2 - dy / len * offset, (ay + by) / 2 + dx / len * offset);
        var (alon, alat) = plane.ToLonLat(ax, ay);
        var (mlon, mlat) = plane.ToLonLat(mx, my);
        var (blon, blat) = plane.ToLonLat(bx, by);
        return [alon, alat, mlon, mlat, blon, blat];
    }

    /// <summary>A river meandering north–south at 62% of the width and a straight rail line rising gently
    /// west–east at 45% of the height; an edge crosses one when its ends lie on different sides.</summary>
    private sealed class Barriers(StreetNetworkOptions o, double x0, double y0, double x1, double y1)
    {
        private readonly double _riverX = x0 + 0.62 * (x1 - x0);
        private readonly double _amp = 0.03 * (x1 - x0);
        private readonly double _wave = 0.4 * (y1 - y0);
        private readonly double _railY = y0 + 0.45 * (y1 - y0);
        private readonly double _railSlope = 0.08;
        private readonly double _xMid = (x0 + x1) / 2;

        private double RiverSide(double x, double y) => Math.Sign(x - (_riverX + _amp * Math.Sin(2 * Math.PI * (y - y0) / _wave)));
        private double RailSide(double x, double y) => Math.Sign(y - (_railY + _railSlope * (x - _xMid)));

        public bool CrossesRiver(double ax, double ay, double bx, double by) => o.River && RiverSide(ax, ay) != RiverSide(bx, by);
        public bool CrossesRail(double ax, double ay, double bx, double by) => o.Rail && RailSide(ax, ay) != RailSide(bx, by);
    }
}
