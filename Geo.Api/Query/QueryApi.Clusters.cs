using Geo.Api.Http;
using Geo.Api.Scale;
using Geo.Core.Crs;
using Geo.Core.Tiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Geo.Api.Query;

public sealed class ClusterParameters
{
    [FromQuery(Name = "bbox")] public string? Bbox { get; init; }
    [FromQuery(Name = "zoom")] public string? Zoom { get; init; }
    [FromQuery(Name = "kinds")] public string? Kinds { get; init; }
}

public static partial class QueryApi
{
    /// <summary>The map's count bubbles below street zoom; the clustering itself lives in <see cref="AssetClusters"/>.
    /// Kinds the caller may not see are reported as unknown (as /api/nearby does); without <c>kinds</c>, every kind the caller may see.</summary>
    private static async Task<Ok<ClusterResult>> Clusters(
        [AsParameters] ClusterParameters p, HttpContext http, SiteOptions config, GeoReads reads, AssetClusters clusters, CancellationToken ct)
    {
        var box = QueryValues.Bbox(p.Bbox, SupportedCrs.Crs84);
        if (string.IsNullOrWhiteSpace(p.Zoom)) throw Core.Common.GeoException.BadInput("zoom", "'zoom' is required (the map's zoom, 0 to 14)");
        var zoom = (int)QueryValues.Integer("zoom", p.Zoom, 0, AssetClusters.MinZoom, AssetClusters.MaxZoom);
        var kinds = ParseKinds(p.Kinds, config, http.User, null);
        var request = new ClusterRequest(box.MinX, box.MinY, box.MaxX, box.MaxY, zoom, kinds);
        return TypedResults.Ok(await clusters.ClusterAsync(request, http.User, reads.For(http), ct));
    }
}
