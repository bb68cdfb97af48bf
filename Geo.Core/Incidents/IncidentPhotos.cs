using Geo.Core.Common;
using Geo.Core.Data.Configurations;
using Geo.Core.Domain;

namespace Geo.Core.Incidents;

/// <summary>A report's photo, as base64 in a JSON body: size checked before decoding (an oversized upload costs
/// no decode buffer), type sniffed from the bytes, never trusted from the declared content type alone.</summary>
public static class IncidentPhotos
{
    public const int MaxBytes = IncidentPhotoEntityTypeConfiguration.MaxBytes;
    public static readonly IReadOnlyList<string> Types = ["image/jpeg", "image/png", "image/webp"];

    /// <summary>Null without a photo; throws <see cref="GeoException"/> (photo_base64) when it is too large or not an image.</summary>
    public static IncidentPhoto? Decode(string? base64, string? contentType)
    {
        if (string.IsNullOrEmpty(base64)) return null;
        if (base64.Length > (MaxBytes + 2) / 3 * 4 + 4) throw TooLarge();
        byte[] data;
        try { data = Convert.FromBase64String(base64); }
        catch (FormatException) { throw GeoException.BadInput("photo_base64", "photo is not valid base64"); }
        if (data.Length > MaxBytes) throw TooLarge();
        var sniffed = data switch
        {
            [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
            [0x89, 0x50, 0x4E, 0x47, ..] => "image/png",
            [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
            _ => null,
        };
        if (sniffed is null || (contentType is not null && !string.Equals(contentType, sniffed, StringComparison.OrdinalIgnoreCase)))
            throw GeoException.BadInput("photo_base64", $"photo must be one of {string.Join(", ", Types)} (content and photo_content_type agree)");
        return new IncidentPhoto { ContentType = sniffed, Data = data };
    }

    private static GeoException TooLarge() => GeoException.TooLarge("photo_base64", $"photo is larger than {MaxBytes / (1024 * 1024)} MiB");
}
