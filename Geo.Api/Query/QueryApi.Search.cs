using Geo.Api.Http;
using Geo.Api.Ogc;
using Geo.Api.Scale;
using Geo.Core.Common;
using Geo.Core.Places;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Geo.Api.Query;

public sealed class SearchParameters
{
    [FromQuery(Name = "q")] public string? Q { get; init; }
    [FromQuery(Name = "lon")] public string? Lon { get; init; }
    [FromQuery(Name = "lat")] public string? Lat { get; init; }
    [FromQuery(Name = "limit")] public string? Limit { get; init; }
    [FromQuery(Name = "crs")] public string? Crs { get; init; }
}

/// <summary>The JSON of GET /api/search: the category the words were read as, and the places (nearest first with a location).</summary>
public sealed record SearchResponse(string Query, string? Category, string? CategoryName, IReadOnlyList<PlaceHit> Places);

public static partial class QueryApi
{
    /// <summary>Places by name or by the category the words name; the search itself lives in <see cref="PlaceSearch"/>.</summary>
    private static async Task<Ok<SearchResponse>> Search(
        [AsParameters] SearchParameters p, HttpContext http, SiteOptions config, GeoReads reads, PlaceSearch search, CancellationToken ct)
    {
        double? lon = null, lat = null;
        if (!string.IsNullOrWhiteSpace(p.Lon) || !string.IsNullOrWhiteSpace(p.Lat))
        {
            var (x, y) = InputCrs.Point(p.Lon, p.Lat, InputCrs.Parse(p.Crs));
            (lon, lat) = (x, y);
        }
        var limit = (int)QueryValues.Integer("limit", p.Limit, PlaceSearch.DefaultLimit, 1, PlaceSearch.MaxLimit);
        var result = await search.SearchAsync(new PlaceSearchRequest(p.Q ?? "", lon, lat, limit), OgcCollections.ExposedKinds(config, http.User), reads.For(http), ct);
        return TypedResults.Ok(new SearchResponse(result.Query, result.Category?.Code, result.Category?.Zh, result.Places));
    }
}
