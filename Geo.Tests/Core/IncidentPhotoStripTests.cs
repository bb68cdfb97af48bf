using System.Buffers.Binary;
using System.Text;
using Geo.Core.Common;
using Geo.Core.Incidents;

namespace Geo.Tests.Core;

/// <summary>Photos are checked as real images and stored without their metadata (EXIF GPS, text chunks).</summary>
public sealed class IncidentPhotoStripTests
{
    /// <summary>A structurally valid baseline JPEG (SOI, APP0 JFIF, APP1 EXIF with a GPS tag, COM, DQT, SOF0 w×h, SOS,
    /// scan bytes, EOI): enough for the marker parser, which never decodes the scan.</summary>
    public static byte[] Jpeg(int w = 4, int h = 3, bool exif = true)
    {
        var o = new MemoryStream();
        void Seg(byte marker, byte[] body) { o.WriteByte(0xFF); o.WriteByte(marker); o.WriteByte((byte)((body.Length + 2) >> 8)); o.WriteByte((byte)(body.Length + 2)); o.Write(body); }
        o.Write([0xFF, 0xD8]);
        Seg(0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        if (exif)
        {
            Seg(0xE1, [.. "Exif\0\0"u8, .. "MM\0*GPSLatitude 39.9091 GPSLongitude 116.6571"u8]);
            Seg(0xFE, [.. "taken at home"u8]);
        }
        Seg(0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        Seg(0xC0, [8, (byte)(h >> 8), (byte)h, (byte)(w >> 8), (byte)w, 1, 1, 0x11, 0]);
        Seg(0xDA, [1, 1, 0, 0, 63, 0]);
        o.Write([0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
        return o.ToArray();
    }

    private static byte[] Chunk(string type, byte[] body)
    {
        var c = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(c, (uint)body.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(c, 4);
        body.CopyTo(c, 8);
        return c;
    }

    public static byte[] PngWithMetadata()
    {
        var png = Convert.FromBase64String(Infrastructure.GridFixtures.TinyPng);
        // after the signature (8) and IHDR (25 bytes)
        return [.. png[..33], .. Chunk("tEXt", [.. "Author\0Zhang San 13800000000"u8]), .. Chunk("eXIf", [.. "MM\0*GPSLatitude 39.9"u8]), .. png[33..]];
    }

    [Fact]
    public void Jpeg_loses_exif_and_comments_and_keeps_the_image()
    {
        var photo = IncidentPhotos.FromBytes(Jpeg(), "image/jpeg");
        Assert.Equal("image/jpeg", photo.ContentType);
        var text = Encoding.Latin1.GetString(photo.Data);
        Assert.DoesNotContain("GPS", text);
        Assert.DoesNotContain("Exif", text);
        Assert.DoesNotContain("taken at home", text);
        Assert.Contains("JFIF", text);
        Assert.Equal(Jpeg(exif: false), photo.Data); // exactly the image without its metadata segments
    }

    [Fact]
    public void Png_loses_text_and_exif_chunks()
    {
        var photo = IncidentPhotos.FromBytes(PngWithMetadata(), null);
        var text = Encoding.Latin1.GetString(photo.Data);
        Assert.DoesNotContain("tEXt", text);
        Assert.DoesNotContain("eXIf", text);
        Assert.DoesNotContain("Zhang San", text);
        Assert.Equal(Convert.FromBase64String(Infrastructure.GridFixtures.TinyPng), photo.Data);
    }

    [Fact]
    public void Webp_loses_exif_and_xmp_and_its_flags()
    {
        byte[] vp8x = [0x0C, 0, 0, 0, 3, 0, 0, 2, 0, 0]; // EXIF|XMP flags, 4×3
        byte[] vp8l = [0x2F, 3, 0x80, 0, 0, 0, 0, 0];    // 4×3 lossless header (bits: w-1=3, h-1=2)
        var chunks = new List<byte[]> { Riff("VP8X", vp8x), Riff("VP8L", vp8l), Riff("EXIF", [.. "GPSLatitude"u8]), Riff("XMP ", [.. "<x:xmpmeta/>"u8]) };
        var body = chunks.SelectMany(c => c).ToArray();
        byte[] webp = [.. "RIFF"u8, 0, 0, 0, 0, .. "WEBP"u8, .. body];
        BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(4), (uint)(webp.Length - 8));
        var photo = IncidentPhotos.FromBytes(webp, "image/webp");
        var text = Encoding.Latin1.GetString(photo.Data);
        Assert.DoesNotContain("GPS", text);
        Assert.DoesNotContain("xmpmeta", text);
        Assert.Equal(0, photo.Data[20] & 0x0C);
        Assert.Equal((uint)(photo.Data.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(photo.Data.AsSpan(4)));

        static byte[] Riff(string type, byte[] b)
        {
            var c = new byte[8 + b.Length + (b.Length & 1)];
            Encoding.ASCII.GetBytes(type).CopyTo(c, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(4), (uint)b.Length);
            b.CopyTo(c, 8);
            return c;
        }
    }

    [Theory]
    [InlineData("magic only")]
    [InlineData("truncated")]
    [InlineData("huge")]
    public void Broken_or_absurd_images_are_refused_naming_the_photo(string what)
    {
        var bytes = what switch
        {
            "magic only" => new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00 },
            "truncated" => Jpeg()[..40],
            _ => Jpeg(w: 60_000, h: 60_000),
        };
        var ex = Assert.Throws<GeoException>(() => IncidentPhotos.FromBytes(bytes, null, "photos[1]"));
        Assert.Equal("photos[1]", ex.Parameter);
    }

    [Fact]
    public void Four_photos_are_refused_naming_photos()
    {
        var one = Convert.ToBase64String(Jpeg());
        var ex = Assert.Throws<GeoException>(() => IncidentPhotos.Many([(one, null), (one, null), (one, null), (one, null)]));
        Assert.Equal("photos", ex.Parameter);
    }
}
