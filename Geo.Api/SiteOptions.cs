using Geo.Core.Access;

namespace Geo.Api;

/// <summary>Deployment switches of the site (section <c>Geo</c>), bound once at start and injected into the handlers
/// that need them (OGC collections, nearby, exports, Open311), instead of reading IConfiguration per request.</summary>
public sealed class SiteOptions
{
    public const string Section = "Geo";

    /// <summary>Cameras and sensors listed to everyone (<see cref="SensitiveLayers.ConfigKey"/>); staff always see them.</summary>
    public bool ExposeSensitiveLayers { get; set; }

    /// <summary>The map the OGC HTML pages link to ("View on the map").</summary>
    public string MapUrl { get; set; } = "/";

    public Open311Settings Open311 { get; set; } = new();

    public sealed class Open311Settings
    {
        /// <summary>true: Open311 POST requests need an api_key (<c>Geo:Open311:RequireApiKey</c>).</summary>
        public bool RequireApiKey { get; set; }
    }
}
