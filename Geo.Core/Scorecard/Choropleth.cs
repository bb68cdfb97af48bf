using Geo.Core.Common;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Core.Scorecard;

/// <param name="From">inclusive lower bound</param>
/// <param name="To">upper bound, inclusive for the last class only</param>
public sealed record ChoroplethClass(double From, double To, string Colour, int Count);

public sealed record ChoroplethRegion(long RegionId, string Code, string Name, double? Value, int? Class, string Colour, Geometry Outline);

/// <param name="Measure">what is mapped: a scorecard indicator id or dimension, or a dispatch measure</param>
public sealed record ChoroplethMap(string Measure, string Level, string? Parent, IReadOnlyList<ChoroplethClass> Legend, string NoDataColour, int NoData,
    IReadOnlyList<ChoroplethRegion> Regions);

/// <summary>One region's value to map (null: no data).</summary>
public sealed record ChoroplethValue(long RegionId, string Code, string Name, double? Value);

/// <summary>Any per-region measure (a scorecard indicator or dimension, a dispatch statistic) per community or town, in
/// equal-interval classes between the smallest and largest value shown. One home for the classes, colours and outlines:
/// the APIs serve them and the maps (planner panel, dispatch board) draw them, so the legend a user reads is the API's.</summary>
public sealed class Choropleth(NpgsqlDataSource ds)
{
    /// <summary>Sequential, colour-blind safe (ColorBrewer YlGnBu 5).</summary>
    public static readonly string[] Colours = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
    public const string NoDataColour = "#bdbdbd";
    public static readonly string[] Dimensions = ["coordination", "convenience", "safety", "perception"];

    public static bool IsKnown(string indicator) => Dimensions.Contains(indicator) || Indicators.All.Any(i => i.Id == indicator);

    public static double? ValueOf(RegionScore r, string indicator) => indicator switch
    {
        "coordination" => r.Dimensions.Coordination,
        "convenience" => r.Dimensions.Convenience,
        "safety" => r.Dimensions.Safety,
        "perception" => r.Dimensions.Perception,
        _ => r.Indicators.FirstOrDefault(i => i.Id == indicator)?.Value,
    };

    /// <summary>Up to five equal-interval classes over the values (one class when they are all equal); bounds rounded to 4 decimals.</summary>
    public static List<ChoroplethClass> Classes(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return [];
        var (min, max) = (Math.Round(values.Min(), 4), Math.Round(values.Max(), 4));
        var n = min == max ? 1 : Math.Min(Colours.Length, values.Distinct().Count());
        var step = (max - min) / n;
        var classes = new List<ChoroplethClass>();
        for (var k = 0; k < n; k++)
        {
            var from = Math.Round(min + k * step, 4);
            var to = k == n - 1 ? max : Math.Round(min + (k + 1) * step, 4);
            classes.Add(new ChoroplethClass(from, to, Colours[n == 1 ? Colours.Length - 1 : k * (Colours.Length - 1) / Math.Max(1, n - 1)], 0));
        }
        return classes;
    }

    public static int ClassOf(IReadOnlyList<ChoroplethClass> classes, double v)
    {
        var r = Math.Round(v, 4);
        for (var k = 0; k < classes.Count - 1; k++)
            if (r < classes[k].To) return k;
        return classes.Count - 1;
    }

    /// <param name="user">who asks: the values of indicators computed from cameras and sensors are for staff
    /// (<see cref="ScorecardRedaction"/>, the same rule as the card and its trends)</param>
    public async Task<ChoroplethMap> BuildAsync(Scorecard card, System.Security.Claims.ClaimsPrincipal? user, string? indicator, string? level, string? parent, CancellationToken ct)
    {
        if (indicator is null || !IsKnown(indicator))
            throw GeoException.BadInput("indicator", $"an indicator id (e.g. 2.1.4) or a dimension ({string.Join(", ", Dimensions)})");
        if (ScorecardRedaction.SensitiveValues.Contains(indicator) && !Geo.Core.Access.GeoClaims.IsStaff(user))
            throw GeoException.Forbidden("indicator", $"the values of {indicator} come from cameras or sensors and are shown to staff only");
        level ??= "community";
        IEnumerable<RegionScore> rows = level switch
        {
            "community" => card.Communities,
            "subdistrict" => card.Subdistricts,
            _ => throw GeoException.BadInput("level", "community or subdistrict"),
        };
        if (parent is not null)
        {
            var p = card.Subdistricts.Concat(card.District is null ? [] : [card.District]).FirstOrDefault(r => r.Code == parent)
                ?? throw GeoException.NotFound("parent", $"no town or district {parent} in the scorecard");
            // under the district every row qualifies; under a town its own communities
            if (p.Level != "district") rows = rows.Where(r => r.ParentId == p.RegionId);
        }
        return await DrawAsync(ds, indicator, level, parent, [.. rows.Select(r => new ChoroplethValue(r.RegionId, r.Code, r.Name, ValueOf(r, indicator)))], ct);
    }

    /// <summary>Classes over the values shown, a colour per region and its simplified outline (regions without an
    /// outline are left out; a null value is "no data").</summary>
    public static async Task<ChoroplethMap> DrawAsync(NpgsqlDataSource ds, string measure, string level, string? parent, IReadOnlyList<ChoroplethValue> rows, CancellationToken ct)
    {
        var values = rows.Where(r => r.Value is not null).Select(r => r.Value!.Value).ToList();
        var classes = Classes(values);
        var outlines = new Dictionary<long, Geometry>();
        await using (var cmd = ds.CreateCommand("SELECT id, ST_SimplifyPreserveTopology(geom, $2) FROM regions WHERE id = ANY($1)"))
        {
            cmd.Parameters.AddWithValue(rows.Select(r => r.RegionId).ToArray());
            cmd.Parameters.AddWithValue(level switch { "community" => 0.0002, "grid_cell" => 0.00005, _ => 0.0008 });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) outlines[r.GetInt64(0)] = r.GetFieldValue<Geometry>(1);
        }
        var counts = new int[classes.Count];
        var regions = new List<ChoroplethRegion>();
        foreach (var r in rows)
        {
            if (!outlines.TryGetValue(r.RegionId, out var outline)) continue;
            int? k = r.Value is { } x && classes.Count > 0 ? ClassOf(classes, x) : null;
            if (k is { } c) counts[c]++;
            regions.Add(new ChoroplethRegion(r.RegionId, r.Code, r.Name, r.Value, k, k is { } cc ? classes[cc].Colour : NoDataColour, outline));
        }
        return new ChoroplethMap(measure, level, parent, [.. classes.Select((c, i) => c with { Count = counts[i] })], NoDataColour,
            regions.Count(r => r.Class is null), regions);
    }
}
