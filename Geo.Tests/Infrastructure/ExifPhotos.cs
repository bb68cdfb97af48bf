using System.Buffers.Binary;

namespace Geo.Tests.Infrastructure;

/// <summary>Puts a GPS position into a JPEG the way a phone camera does: an APP1 "Exif" segment right after SOI holding a
/// big-endian TIFF with IFD0 → GPS IFD (GPSLatitudeRef, GPSLatitude, GPSLongitudeRef, GPSLongitude as degrees, minutes,
/// seconds rationals).</summary>
public static class ExifPhotos
{
    public static byte[] WithGps(byte[] jpeg, double lon, double lat)
    {
        if (jpeg is not [0xFF, 0xD8, ..]) throw new ArgumentException("not a JPEG", nameof(jpeg));
        var tiff = new byte[128];
        var s = tiff.AsSpan();
        "MM\0*"u8.CopyTo(s);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], 8);             // IFD0 at 8
        BinaryPrimitives.WriteUInt16BigEndian(s[8..], 1);             // one entry: the GPS IFD pointer
        Entry(s, 10, 0x8825, 4, 1, 26);
        BinaryPrimitives.WriteUInt32BigEndian(s[22..], 0);            // no next IFD
        BinaryPrimitives.WriteUInt16BigEndian(s[26..], 4);            // GPS IFD at 26: four entries, data from 80
        Entry(s, 28, 1, 2, 2, lat >= 0 ? 0x4E000000u : 0x53000000u);  // "N\0" / "S\0" inline
        Entry(s, 40, 2, 5, 3, 80);
        Entry(s, 52, 3, 2, 2, lon >= 0 ? 0x45000000u : 0x57000000u);  // "E\0" / "W\0"
        Entry(s, 64, 4, 5, 3, 104);
        BinaryPrimitives.WriteUInt32BigEndian(s[76..], 0);
        Dms(s, 80, Math.Abs(lat));
        Dms(s, 104, Math.Abs(lon));
        byte[] app1 = [.. "Exif\0\0"u8, .. tiff];
        var len = app1.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(len >> 8), (byte)len, .. app1, .. jpeg[2..]];
    }

    private static void Entry(Span<byte> s, int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(s[at..], tag);
        BinaryPrimitives.WriteUInt16BigEndian(s[(at + 2)..], type);
        BinaryPrimitives.WriteUInt32BigEndian(s[(at + 4)..], count);
        BinaryPrimitives.WriteUInt32BigEndian(s[(at + 8)..], value);
    }

    private static void Dms(Span<byte> s, int at, double deg)
    {
        var d = Math.Floor(deg);
        var m = Math.Floor((deg - d) * 60);
        var sec = ((deg - d) * 60 - m) * 60;
        (uint N, uint D)[] parts = [((uint)d, 1), ((uint)m, 1), ((uint)Math.Round(sec * 1_000_000), 1_000_000)];
        for (var k = 0; k < 3; k++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(s[(at + k * 8)..], parts[k].N);
            BinaryPrimitives.WriteUInt32BigEndian(s[(at + k * 8 + 4)..], parts[k].D);
        }
    }
}
