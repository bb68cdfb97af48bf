using System.Buffers.Binary;
using Geo.Core.Common;
using Geo.Core.Data.Configurations;
using Geo.Core.Domain;

namespace Geo.Core.Incidents;

/// <summary>A report's photos, as base64 in a JSON body or bytes from the map's form: size checked before decoding (an
/// oversized upload costs no decode buffer), type sniffed from the bytes (never trusted from the declared content type
/// alone), the header parsed far enough to know the image's size, and metadata removed from what is stored and served.</summary>
/// <remarks>Why metadata goes: a phone photo's EXIF carries the GPS position of the reporter's phone, the device and
/// the time; the case keeps its own location, and the served photo must not say where the reporter stood or lives.
/// No imaging library is referenced, so this parses the containers itself: JPEG markers (APP1–APP13, APP15 and COM
/// segments dropped; APP0 JFIF and APP14 Adobe kept, they carry only decoding hints), PNG chunks (only the critical
/// and colour chunks kept: eXIf, tEXt, zTXt, iTXt, tIME… dropped) and WebP RIFF chunks (EXIF and XMP dropped, the
/// VP8X flags and RIFF size fixed).</remarks>
public static class IncidentPhotos
{
    public const int MaxBytes = IncidentPhotoEntityTypeConfiguration.MaxBytes;
    public const int MaxPhotos = 3;
    /// <summary>Largest side in pixels (a phone camera's full resolution is ~8000): a tiny file that claims to decode
    /// into a gigapixel is refused.</summary>
    public const int MaxSide = 12_000;
    public static readonly IReadOnlyList<string> Types = ["image/jpeg", "image/png", "image/webp"];

    /// <summary>Null without a photo; throws <see cref="GeoException"/> naming <paramref name="parameter"/> when it is
    /// too large or not an image.</summary>
    public static IncidentPhoto? Decode(string? base64, string? contentType, string parameter = "photo_base64")
    {
        if (string.IsNullOrEmpty(base64)) return null;
        if (base64.Length > (MaxBytes + 2) / 3 * 4 + 4) throw TooLarge(parameter);
        byte[] data;
        try { data = Convert.FromBase64String(base64); }
        catch (FormatException) { throw GeoException.BadInput(parameter, "photo is not valid base64"); }
        return FromBytes(data, contentType, parameter);
    }

    /// <summary>Checks and cleans one photo's bytes (the map's form uploads these directly).</summary>
    public static IncidentPhoto FromBytes(byte[] data, string? contentType, string parameter = "photos")
    {
        if (data.Length > MaxBytes) throw TooLarge(parameter);
        var sniffed = Sniff(data);
        if (sniffed is null || (!string.IsNullOrEmpty(contentType) && !string.Equals(contentType, sniffed, StringComparison.OrdinalIgnoreCase)))
            throw GeoException.BadInput(parameter, $"photo must be one of {string.Join(", ", Types)} (content and declared type agree)");
        var clean = sniffed switch
        {
            "image/jpeg" => StripJpeg(data),
            "image/png" => StripPng(data),
            _ => StripWebp(data),
        } ?? throw GeoException.BadInput(parameter, $"photo is not a readable {sniffed} image (damaged, truncated, or larger than {MaxSide} px a side)");
        return new IncidentPhoto { ContentType = sniffed, Data = clean };
    }

    /// <summary>Checks the count and each photo; the list in the order given (position 1, 2, 3).</summary>
    public static IReadOnlyList<IncidentPhoto> Many(IReadOnlyList<(string? Base64, string? ContentType)>? photos)
    {
        if (photos is null || photos.Count == 0) return [];
        if (photos.Count > MaxPhotos) throw GeoException.BadInput("photos", $"at most {MaxPhotos} photos per report, got {photos.Count}");
        return photos.Select((p, i) => Decode(p.Base64, p.ContentType, $"photos[{i}]")
            ?? throw GeoException.BadInput($"photos[{i}]", "photo is empty")).ToList();
    }

    public static string? Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        _ => null,
    };

    private static bool SizeOk(long w, long h) => w is > 0 and <= MaxSide && h is > 0 and <= MaxSide;

    /// <summary>Copies the segments before the scan except metadata; the scan and what follows verbatim. Null when the
    /// marker structure is broken or no frame header (SOFn) gives a sane size before the scan.</summary>
    internal static byte[]? StripJpeg(byte[] d)
    {
        using var o = new MemoryStream(d.Length);
        o.Write(d, 0, 2);
        var i = 2;
        var sized = false;
        while (true)
        {
            if (i + 4 > d.Length || d[i] != 0xFF) return null;
            while (i < d.Length && d[i] == 0xFF && i + 1 < d.Length && d[i + 1] == 0xFF) i++; // fill bytes
            if (i + 4 > d.Length) return null;
            var marker = d[i + 1];
            if (marker is 0xD8 or 0xD9 or (>= 0xD0 and <= 0xD7) or 0x01) return null; // no standalone markers before the scan
            var len = (d[i + 2] << 8) | d[i + 3];
            if (len < 2 || i + 2 + len > d.Length) return null;
            var isSof = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isSof)
            {
                if (len < 8) return null;
                sized = SizeOk((d[i + 7] << 8) | d[i + 8], (d[i + 5] << 8) | d[i + 6]);
                if (!sized) return null;
            }
            var metadata = marker is (>= 0xE1 and <= 0xED) or 0xEF or 0xFE;
            if (!metadata) o.Write(d, i, 2 + len);
            i += 2 + len;
            if (marker == 0xDA)
            {
                if (!sized) return null;
                o.Write(d, i, d.Length - i);
                return o.ToArray();
            }
        }
    }

    private static readonly HashSet<string> PngKept = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "pHYs", "bKGD"];

    /// <summary>Keeps the image and colour chunks; drops text, time and EXIF chunks (and anything unknown).</summary>
    internal static byte[]? StripPng(byte[] d)
    {
        using var o = new MemoryStream(d.Length);
        o.Write(d, 0, 8);
        var i = 8;
        var first = true;
        while (i + 12 <= d.Length)
        {
            var len = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(i));
            if (len > int.MaxValue || i + 12L + len > d.Length) return null;
            var type = System.Text.Encoding.ASCII.GetString(d, i + 4, 4);
            if (first)
            {
                if (type != "IHDR" || len != 13) return null;
                if (!SizeOk(BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(i + 8)), BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(i + 12)))) return null;
                first = false;
            }
            if (PngKept.Contains(type)) o.Write(d, i, 12 + (int)len);
            i += 12 + (int)len;
            if (type == "IEND") return o.ToArray();
        }
        return null;
    }

    /// <summary>Drops the EXIF and XMP chunks of a WebP, clears their VP8X flags and rewrites the RIFF size.</summary>
    internal static byte[]? StripWebp(byte[] d)
    {
        if (d.Length < 20) return null;
        using var o = new MemoryStream(d.Length);
        o.Write(d, 0, 12);
        var i = 12;
        var sized = false;
        while (i + 8 <= d.Length)
        {
            var type = System.Text.Encoding.ASCII.GetString(d, i, 4);
            var len = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(i + 4));
            var padded = len + (len & 1);
            if (len > int.MaxValue - 16 || i + 8L + len > d.Length) return null;
            var body = d.AsSpan(i + 8, (int)len);
            switch (type)
            {
                case "VP8X" when len >= 10:
                    sized = SizeOk(1 + (body[4] | body[5] << 8 | body[6] << 16), 1 + (body[7] | body[8] << 8 | body[9] << 16));
                    break;
                case "VP8 " when len >= 10 && !sized:
                    sized = body[3] == 0x9D && body[4] == 0x01 && body[5] == 0x2A
                        && SizeOk(BinaryPrimitives.ReadUInt16LittleEndian(body[6..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(body[8..]) & 0x3FFF);
                    break;
                case "VP8L" when len >= 5 && !sized:
                    var bits = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
                    sized = body[0] == 0x2F && SizeOk((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
                    break;
            }
            if (type is not ("EXIF" or "XMP "))
            {
                var start = (int)o.Position;
                o.Write(d, i, (int)Math.Min(8 + padded, d.Length - i));
                if (type == "VP8X")
                {
                    o.Position = start + 8;
                    var flags = (byte)(d[i + 8] & ~0x0C); // 0x08 EXIF, 0x04 XMP
                    o.WriteByte(flags);
                    o.Position = o.Length;
                }
            }
            i += 8 + (int)padded;
        }
        if (!sized) return null;
        var result = o.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        return result;
    }

    private static GeoException TooLarge(string parameter) => GeoException.TooLarge(parameter, $"photo is larger than {MaxBytes / (1024 * 1024)} MiB");
}
