using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Geo.Core.Domain;
using NetTopologySuite.IO;

namespace Geo.Core.Data;

/// <summary>The 16-byte digest of an asset row as a bulk writer stores it (<c>assets.import_digest</c>, see the
/// ImportDigest migration): SHA-256, truncated, over every column the importer writes (kind, name, status, source,
/// external id, the geometry's WKB, the region ids, synthetic, the attributes' JSON), each length-prefixed so no
/// two rows share an encoding. Equal digests mean the row would be written unchanged. One instance per thread.</summary>
public sealed class AssetDigest
{
    public const int Length = 16;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly WKBWriter _wkb = new();

    public UInt128 Compute(Asset a, string attributesJson)
    {
        _buffer.ResetWrittenCount();
        Text(a.Kind.Code());
        Text(a.Name);
        Text(a.Status.Code());
        Text(a.Source);
        Text(a.ExternalId);
        Bytes(_wkb.Write(a.Geom));
        Id(a.CommunityId);
        Id(a.GridCellId);
        _buffer.GetSpan(1)[0] = a.Synthetic ? (byte)1 : (byte)0;
        _buffer.Advance(1);
        Text(attributesJson);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(_buffer.WrittenSpan, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    /// <summary>The digest as the column stores it.</summary>
    public static byte[] ToBytes(UInt128 digest)
    {
        var b = new byte[Length];
        BinaryPrimitives.WriteUInt128LittleEndian(b, digest);
        return b;
    }

    public static UInt128 FromBytes(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadUInt128LittleEndian(b);

    private void Text(string s)
    {
        var n = Encoding.UTF8.GetByteCount(s);
        var span = _buffer.GetSpan(4 + n);
        BinaryPrimitives.WriteInt32LittleEndian(span, n);
        Encoding.UTF8.GetBytes(s, span[4..]);
        _buffer.Advance(4 + n);
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        var span = _buffer.GetSpan(4 + bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, bytes.Length);
        bytes.CopyTo(span[4..]);
        _buffer.Advance(4 + bytes.Length);
    }

    private void Id(long? id)
    {
        var span = _buffer.GetSpan(9);
        span[0] = id.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], id ?? 0);
        _buffer.Advance(9);
    }
}
