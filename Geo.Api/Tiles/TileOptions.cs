namespace Geo.Api.Tiles;

/// <summary>Bound from Geo:Tiles (and Geo:ExposeSensitiveLayers).</summary>
public sealed class TileOptions
{
    /// <summary>In-memory cache of rendered tiles, invalidated by database notifications.</summary>
    public bool CacheEnabled { get; set; } = true;

    /// <summary>The cache empties itself when it grows past this; tiles re-render on demand.</summary>
    public long CacheMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Where `./geo tiles seed` wrote z/x/y tiles (relative to the content root); served before
    /// rendering. Empty: no seeded tiles.</summary>
    public string? SeedDirectory { get; set; }

    public int MaxAgeSeconds { get; set; } = 60;

    public IEnumerable<string> Problems()
    {
        if (CacheMaxBytes < 1024 * 1024) yield return "CacheMaxBytes must be at least 1 MiB";
        if (MaxAgeSeconds is < 0 or > 86_400) yield return "MaxAgeSeconds must be in [0, 86400]";
    }
}
