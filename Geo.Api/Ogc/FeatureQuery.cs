using Geo.Api.Http;
using Geo.Api.Ogc.Cql2;
using Geo.Core.Common;
using Geo.Core.Crs;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NpgsqlTypes;

namespace Geo.Api.Ogc;

/// <summary>The query shape of /collections/{id}/items and /api/export/{id}. Every value is a string on
/// purpose: parsing happens in <see cref="FeatureQuery.Plan"/>, which names the parameter on failure.</summary>
public sealed class ItemsParameters
{
    [FromQuery(Name = "bbox")] public string? Bbox { get; init; }
    [FromQuery(Name = "bbox-crs")] public string? BboxCrs { get; init; }
    [FromQuery(Name = "limit")] public string? Limit { get; init; }
    [FromQuery(Name = "offset")] public string? Offset { get; init; }
    [FromQuery(Name = "datetime")] public string? Datetime { get; init; }
    [FromQuery(Name = "crs")] public string? Crs { get; init; }
    [FromQuery(Name = "filter")] public string? Filter { get; init; }
    [FromQuery(Name = "filter-lang")] public string? FilterLang { get; init; }
    [FromQuery(Name = "filter-crs")] public string? FilterCrs { get; init; }
    [FromQuery(Name = "sortby")] public string? Sortby { get; init; }
    [FromQuery(Name = "properties")] public string? Properties { get; init; }
    [FromQuery(Name = "f")] public string? F { get; init; }

    public static readonly string[] Names =
        ["bbox", "bbox-crs", "limit", "offset", "datetime", "crs", "filter", "filter-lang", "filter-crs", "sortby", "properties", "f"];
}

/// <summary>An output CRS of OGC API Part 2, written in its official EPSG axis order: the geographic codes
/// lat,lon, EPSG:4548 (CGCS2000 3-degree Gauss-Krüger CM 117E) northing,easting, EPSG:3857 and EPSG:32650
/// easting,northing, CRS84 lon,lat. Storage is CRS84 and PostGIS does the conversion (spatial_ref_sys).</summary>
public sealed record OutputCrs(string Code, string Uri, int Srid, bool SwapAxes, int Decimals)
{
    public static readonly OutputCrs Crs84 = new(SupportedCrs.Crs84, SupportedCrs.OgcUri(SupportedCrs.Crs84)!, 4326, false, 7);

    public static IReadOnlyList<string> Codes { get; } =
        [SupportedCrs.Crs84, SupportedCrs.Wgs84, SupportedCrs.Cgcs2000, SupportedCrs.WebMercator, SupportedCrs.Cgcs2000Gk117, SupportedCrs.Utm50N];

    /// <summary>CRSs whose first axis is north (latitude or northing): coordinates are swapped on the way in and out.</summary>
    public static bool NorthFirst(string code) => code is SupportedCrs.Wgs84 or SupportedCrs.Cgcs2000 or SupportedCrs.Cgcs2000Gk117;

    /// <summary>Projected CRSs in metres (3 decimals: millimetres).</summary>
    public static bool Projected(string code) => code is SupportedCrs.WebMercator or SupportedCrs.Cgcs2000Gk117 or SupportedCrs.Utm50N;

    public static IEnumerable<string> Uris => Codes.Select(c => SupportedCrs.OgcUri(c)!);

    public static string Parse(string parameter, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return SupportedCrs.Crs84;
        if (SupportedCrs.TryParse(value, out var code) && Codes.Contains(code)) return code;
        throw GeoException.BadInput(parameter, $"unsupported CRS '{value}' for '{parameter}'; supported: {string.Join(", ", Uris)}");
    }

    public static OutputCrs For(string code) =>
        new(code, SupportedCrs.OgcUri(code)!, SupportedCrs.Srid(code), NorthFirst(code), Projected(code) ? 3 : 7);

    /// <summary>RFC 7946 ring order (exterior counterclockwise in lon/lat, applied before any axis swap), and options 0:
    /// no per-geometry "crs" member (GeoJSON has none since RFC 7946); the CRS travels in the Content-Crs header.</summary>
    public string GeoJsonSql(string column)
    {
        var g = $"ST_ForcePolygonCCW({column})";
        if (Srid != 4326) g = $"ST_Transform({g}, {Srid})";
        if (SwapAxes) g = $"ST_FlipCoordinates({g})";
        return $"ST_AsGeoJSON({g}, {Decimals}, 0)";
    }
}

public enum OutputFormat { GeoJson, Csv, Html, Shapefile }

public sealed class FeaturePlan
{
    public required OgcCollection Collection { get; init; }
    public required string Where { get; init; }
    public required SqlParams Params { get; init; }
    public required string OrderBy { get; init; }
    public required int Limit { get; init; }
    public required long Offset { get; init; }

    /// <summary>Null: every property.</summary>
    public IReadOnlyList<Queryable>? Properties { get; init; }
    public required OutputCrs Crs { get; init; }
    public required OutputFormat Format { get; init; }
}

public static class FeatureQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>Validates every parameter and assembles a parameterised plan. Unknown query parameters are
    /// rejected (OGC API Features /req/core/query-param-unknown) unless they name a scalar queryable,
    /// which makes them an equality filter (e.g. status=offline, capacity=200).</summary>
    public static FeaturePlan Plan(OgcCollection c, ItemsParameters p, IQueryCollection query, IReadOnlyList<AssetKind> exposedKinds,
        int defaultLimit = DefaultLimit, int maxLimit = MaxLimit, IEnumerable<string>? extraParameters = null,
        IReadOnlyCollection<OutputFormat>? formats = null, OutputFormat fallback = OutputFormat.GeoJson)
    {
        var sql = new SqlParams();
        var where = new List<string>();
        if (c.Level is { } level) where.Add($"t.level = {sql.Add(level.Code(), NpgsqlDbType.Text)}");
        else if (c.Kind is { } kind) where.Add($"t.kind = {sql.Add(kind.Code(), NpgsqlDbType.Text)}");
        else where.Add($"t.kind = ANY({sql.Add(exposedKinds.Select(k => k.Code()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})");

        var limit = (int)QueryValues.Integer("limit", p.Limit, defaultLimit, 1, maxLimit);
        var offset = QueryValues.Integer("offset", p.Offset, 0, 0, long.MaxValue / 2);
        var crs = OutputCrs.For(OutputCrs.Parse("crs", p.Crs));

        if (p.BboxCrs is not null && p.Bbox is null) throw GeoException.BadInput("bbox-crs", "'bbox-crs' is given without 'bbox'");
        if (p.Bbox is not null)
        {
            var env = QueryValues.Bbox(p.Bbox, OutputCrs.Parse("bbox-crs", p.BboxCrs));
            where.Add($"ST_Intersects(t.geom, ST_MakeEnvelope({sql.Add(env.MinX)}, {sql.Add(env.MinY)}, {sql.Add(env.MaxX)}, {sql.Add(env.MaxY)}, 4326))");
        }
        if (p.Datetime is not null)
        {
            var (from, to) = QueryValues.DateTime(p.Datetime);
            if (from is { } f) where.Add($"t.updated_at >= {sql.Add(f, NpgsqlDbType.TimestampTz)}");
            if (to is { } u) where.Add($"t.updated_at < {sql.Add(u, NpgsqlDbType.TimestampTz)}");
        }
        if (p.FilterLang is not null && !string.Equals(p.FilterLang, "cql2-text", StringComparison.OrdinalIgnoreCase))
        {
            throw GeoException.BadInput("filter-lang", $"unsupported filter-lang '{p.FilterLang}'; supported: cql2-text");
        }
        var filterCrs = OutputCrs.Parse("filter-crs", p.FilterCrs);
        if (p.Filter is not null)
        {
            try
            {
                where.Add(new Cql2Sql(c, sql, filterCrs).Translate(Cql2Parser.Parse(p.Filter)));
            }
            catch (Cql2Exception ex)
            {
                throw GeoException.BadInput("filter", $"invalid CQL2 at position {ex.Position + 1}: {ex.Message}", ex.Position + 1);
            }
        }

        var known = new HashSet<string>(ItemsParameters.Names.Concat(extraParameters ?? []), StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in query)
        {
            if (known.Contains(key)) continue;
            var q = c.Find(key);
            if (q is null || q.Type == QType.Geometry)
            {
                throw GeoException.BadInput(key, $"unknown query parameter '{key}'; accepted: {string.Join(", ", known)} and the queryables of '{c.Id}'");
            }
            where.Add($"{q.Sql} = {PropertyValue(sql, q, values.ToString())}");
        }

        return new FeaturePlan
        {
            Collection = c,
            Where = string.Join(" AND ", where),
            Params = sql,
            OrderBy = SortBy(c, p.Sortby),
            Limit = limit,
            Offset = offset,
            Properties = SelectProperties(c, p.Properties),
            Crs = crs,
            Format = Format(p.F, formats ?? ItemFormats, fallback),
        };
    }

    /// <summary>What /collections/{id}/items serves; exports add Shapefile and drop HTML.</summary>
    public static readonly OutputFormat[] ItemFormats = [OutputFormat.GeoJson, OutputFormat.Csv, OutputFormat.Html];
    public static readonly OutputFormat[] ExportFormats = [OutputFormat.GeoJson, OutputFormat.Csv, OutputFormat.Shapefile];

    /// <summary>Parses f; an absent f means <paramref name="fallback"/> (HTML when a browser asked for it).</summary>
    public static OutputFormat Format(string? f, IReadOnlyCollection<OutputFormat> allowed, OutputFormat fallback = OutputFormat.GeoJson)
    {
        OutputFormat? parsed = f?.Trim().ToLowerInvariant() switch
        {
            null or "" => fallback,
            "json" or "geojson" or "application/geo+json" or "application/json" => OutputFormat.GeoJson,
            "csv" or "text/csv" => OutputFormat.Csv,
            "html" or "text/html" => OutputFormat.Html,
            "shp" or "shapefile" or "zip" or "application/zip" => OutputFormat.Shapefile,
            _ => null,
        };
        if (parsed is { } ok && allowed.Contains(ok)) return ok;
        throw GeoException.BadInput("f", $"unsupported format '{f}'; supported: {string.Join(", ", allowed.Select(Name))}");
    }

    private static string Name(OutputFormat f) => f switch
    {
        OutputFormat.GeoJson => "json (GeoJSON)",
        OutputFormat.Csv => "csv",
        OutputFormat.Html => "html",
        _ => "shp (zipped Shapefile)",
    };

    private static string PropertyValue(SqlParams sql, Queryable q, string value)
    {
        try
        {
            return q.Type switch
            {
                QType.String => sql.Add(value, NpgsqlDbType.Text),
                QType.Integer or QType.Number => sql.Add(QueryValues.Double(q.Name, value), NpgsqlDbType.Double),
                QType.Boolean => sql.Add(bool.Parse(value), NpgsqlDbType.Boolean),
                _ => sql.Add(DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal), NpgsqlDbType.TimestampTz),
            };
        }
        catch (FormatException)
        {
            throw GeoException.BadInput(q.Name, $"'{q.Name}' expects a {q.Type.ToString().ToLowerInvariant()}, got '{value}'");
        }
    }

    private static string SortBy(OgcCollection c, string? sortby)
    {
        if (string.IsNullOrWhiteSpace(sortby)) return "t.id";
        var parts = new List<string>();
        foreach (var raw in sortby.Split(','))
        {
            var s = raw.Trim();
            var desc = s.StartsWith('-');
            if (desc || s.StartsWith('+')) s = s[1..];
            var q = c.Find(s);
            if (q is null || q.Type == QType.Geometry)
            {
                throw GeoException.BadInput("sortby", $"cannot sort by '{s}'; sortable: {string.Join(", ", c.Queryables.Where(x => x.Type != QType.Geometry).Select(x => x.Name))}");
            }
            parts.Add($"{q.Sql} {(desc ? "DESC NULLS LAST" : "ASC NULLS LAST")}");
        }
        parts.Add("t.id"); // a total order, so offset paging neither skips nor repeats
        return string.Join(", ", parts);
    }

    private static IReadOnlyList<Queryable>? SelectProperties(OgcCollection c, string? properties)
    {
        if (properties is null) return null;
        var list = new List<Queryable>();
        foreach (var name in properties.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var q = c.Find(name);
            if (q is null || q.Type == QType.Geometry || q.Name == "id")
            {
                throw GeoException.BadInput("properties", $"unknown property '{name}'; available: {string.Join(", ", c.Queryables.Where(x => x.Type != QType.Geometry && x.Name != "id").Select(x => x.Name))}");
            }
            // a name given twice is selected once: 51 copies exceeded PostgreSQL's 100-argument limit of
            // jsonb_build_object and answered 500
            if (!list.Contains(q)) list.Add(q);
        }
        return list;
    }
}
