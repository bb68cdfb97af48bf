namespace Geo.Core.Coverage;

/// <summary>Area of a region covered by the union of many shapes, without building the union.
/// The plane is cut into horizontal rows; on each row's centre line every shape reports its exact
/// interval(s), the intervals are merged, intersected with the region's and summed. Area = Σ length × row
/// height. Disks stay exact circles (chords), so the only error is the midpoint rule across a row, which
/// falls as the rows shrink (tests bound it against πr²); rows run in parallel.
/// Why not ST_Union(ST_Buffer(...)): uniting thousands of 32-gons is the slow part of the PostGIS
/// pipeline and each 32-gon already under-counts a disk by 0.64%.</summary>
public static class ScanlineCoverage
{
    public readonly record struct Result(double RegionArea, double CoveredArea, int Rows, double RowHeight)
    {
        public double Share => RegionArea > 0 ? CoveredArea / RegionArea : 0;
    }

    /// <summary>Row height for a region: 1 m (a 50 m disk is cut into 100 rows; the midpoint error on a
    /// disk is then below 0.01%), finer for small regions, and at most <paramref name="maxRows"/> rows.</summary>
    public static double DefaultRowHeight(double height, int maxRows = 40_000) =>
        Math.Max(height / maxRows, Math.Min(1.0, height / 2_000));

    public static Result Measure(CoverShape region, IReadOnlyList<CoverShape> covers, double? rowHeight = null)
    {
        var height = region.MaxY - region.MinY;
        if (height <= 0) return new Result(0, 0, 0, 0);
        var dy = rowHeight ?? DefaultRowHeight(height);
        var rows = (int)Math.Ceiling(height / dy);
        dy = height / rows;

        // only shapes that touch the region's box matter; sorted by MinY for the sweep
        var relevant = covers
            .Where(c => c.MaxY > region.MinY && c.MinY < region.MaxY && c.MaxX > region.MinX && c.MinX < region.MaxX)
            .OrderBy(c => c.MinY)
            .ToArray();

        var blocks = Math.Clamp(rows / 256, 1, Environment.ProcessorCount * 8);
        var regionSums = new double[blocks];
        var coveredSums = new double[blocks];
        Parallel.For(0, blocks, b =>
        {
            var k0 = (int)((long)rows * b / blocks);
            var k1 = (int)((long)rows * (b + 1) / blocks);
            (regionSums[b], coveredSums[b]) = SweepRows(region, relevant, region.MinY, dy, k0, k1);
        });
        return new Result(regionSums.Sum() * dy, coveredSums.Sum() * dy, rows, dy);
    }

    private static (double Region, double Covered) SweepRows(CoverShape region, CoverShape[] sorted, double minY, double dy, int k0, int k1)
    {
        var yStart = minY + (k0 + 0.5) * dy;
        // first shape whose MinY could reach this block
        var next = 0;
        var active = new List<CoverShape>();
        var regionIv = new List<Interval>();
        var coverIv = new List<Interval>();
        var merged = new List<Interval>();
        double regionLen = 0, coveredLen = 0;
        for (var k = k0; k < k1; k++)
        {
            var y = minY + (k + 0.5) * dy;
            while (next < sorted.Length && sorted[next].MinY < y)
            {
                if (sorted[next].MaxY > yStart) active.Add(sorted[next]);
                next++;
            }
            active.RemoveAll(s => s.MaxY <= y);

            regionIv.Clear();
            region.Intervals(y, regionIv);
            if (regionIv.Count == 0) continue;
            foreach (var iv in regionIv) regionLen += iv.B - iv.A;

            coverIv.Clear();
            foreach (var s in active) s.Intervals(y, coverIv);
            if (coverIv.Count == 0) continue;
            Union(coverIv, merged);
            coveredLen += IntersectionLength(regionIv, merged);
        }
        return (regionLen, coveredLen);
    }

    /// <summary>Sorts and merges overlapping intervals into <paramref name="output"/> (disjoint, ascending).</summary>
    public static void Union(List<Interval> input, List<Interval> output)
    {
        output.Clear();
        input.Sort(static (p, q) => p.A.CompareTo(q.A));
        var cur = input[0];
        for (var i = 1; i < input.Count; i++)
        {
            var iv = input[i];
            if (iv.A <= cur.B) { if (iv.B > cur.B) cur = cur with { B = iv.B }; }
            else { output.Add(cur); cur = iv; }
        }
        output.Add(cur);
    }

    /// <summary>Total length of the intersection of two disjoint ascending interval lists.</summary>
    public static double IntersectionLength(List<Interval> a, List<Interval> b)
    {
        double len = 0;
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var lo = Math.Max(a[i].A, b[j].A);
            var hi = Math.Min(a[i].B, b[j].B);
            if (hi > lo) len += hi - lo;
            if (a[i].B < b[j].B) i++; else j++;
        }
        return len;
    }
}
