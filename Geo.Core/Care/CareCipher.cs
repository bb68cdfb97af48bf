using System.Security.Cryptography;
using System.Text;
using Geo.Core.Common;

namespace Geo.Core.Care;

/// <summary>Bound from <c>Geo:CareRegistry</c>: the key ring of the registry's (and the delivery orders') personal fields.
/// Each key is 32 random bytes in base64 (<c>head -c32 /dev/urandom | base64</c>) under an id, kept outside the database
/// (environment, secret store; <c>./geo run</c> makes one in its state directory):
/// <list type="bullet">
/// <item><c>Keys:{id}</c>: every key still needed for reading; <c>ActiveKeyId</c>: the one new ciphertexts are written with
/// (required when the ring holds more than one key);</item>
/// <item><c>Key</c>: a single key, the ring's key <c>default</c> (the setting before key ids; ciphertexts written then carry no
/// id and are read with <c>default</c>).</item>
/// </list>
/// Rotation: add the new key under a new id, make it active, run <c>./geo care rotate-key</c> (re-encrypts every row to the
/// active key), then remove the old key. Without any key the registry answers 503: personal data is never stored in clear.</summary>
public sealed class CareRegistryOptions
{
    public const string Section = "Geo:CareRegistry";
    public const string DefaultKeyId = "default";

    public string? Key { get; set; }
    public Dictionary<string, string> Keys { get; set; } = [];
    public string? ActiveKeyId { get; set; }

    /// <summary>The ring as id → key bytes (<c>Key</c> as <c>default</c>), without validation (see <see cref="Problems"/>).</summary>
    public Dictionary<string, string> Ring()
    {
        var ring = Keys.Where(k => !string.IsNullOrWhiteSpace(k.Value)).ToDictionary(k => k.Key, k => k.Value.Trim(), StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(Key)) ring.TryAdd(DefaultKeyId, Key.Trim());
        return ring;
    }

    /// <summary>The id new ciphertexts are written with: <c>ActiveKeyId</c>, else the ring's only key; null with no key.</summary>
    public string? Active()
    {
        if (!string.IsNullOrWhiteSpace(ActiveKeyId)) return ActiveKeyId.Trim();
        var ring = Ring();
        return ring.Count == 1 ? ring.Keys.Single() : null;
    }

    public static bool ValidId(string id) => id.Length is > 0 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public IEnumerable<string> Problems()
    {
        var ring = Ring();
        foreach (var (id, value) in ring)
        {
            if (!ValidId(id)) yield return $"key id '{id}' must be 1–32 letters, digits, '-', '_' or '.'";
            byte[]? bytes = null;
            try { bytes = Convert.FromBase64String(value); } catch (FormatException) { }
            var name = id == DefaultKeyId && !Keys.ContainsKey(DefaultKeyId) ? "Geo:CareRegistry:Key" : $"Geo:CareRegistry:Keys:{id}";
            if (bytes is not { Length: 32 }) yield return $"{name} must be 32 bytes in base64 (AES-256)";
        }
        if (!string.IsNullOrWhiteSpace(Key) && Keys.TryGetValue(DefaultKeyId, out var d) && d.Trim() != Key.Trim())
            yield return "Geo:CareRegistry:Key and Geo:CareRegistry:Keys:default are both set and differ";
        if (ring.Count == 0)
        {
            if (!string.IsNullOrWhiteSpace(ActiveKeyId)) yield return $"Geo:CareRegistry:ActiveKeyId is '{ActiveKeyId}' but the key ring is empty";
            yield break;
        }
        if (Active() is not { } active) yield return "Geo:CareRegistry:ActiveKeyId is required when the key ring holds more than one key";
        else if (!ring.ContainsKey(active)) yield return $"Geo:CareRegistry:ActiveKeyId '{active}' is not in the key ring ({string.Join(", ", ring.Keys.Order())})";
    }
}

/// <summary>AES-256-GCM for the registry's personal fields, with a key ring. Layout (version 2): version byte (2) · key-id
/// length (1 byte) · key id (ASCII) · 12-byte random nonce · 16-byte tag · ciphertext; the field name and the key id are the
/// authenticated data, so a name cannot be swapped into the contact column and a key id cannot be altered. Version 1 (before
/// key ids: version byte · nonce · tag · ciphertext, the field name as associated data) is still read, with key <c>default</c>.</summary>
public sealed class CareCipher
{
    private const byte V1 = 1, V2 = 2;
    private readonly Dictionary<string, byte[]> _ring;
    private readonly string? _active;
    private readonly byte[]? _activeHeader;

    public CareCipher(CareRegistryOptions options)
    {
        GeoOptions.ThrowIfInvalid(CareRegistryOptions.Section, options.Problems());
        _ring = options.Ring().ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
        _active = _ring.Count == 0 ? null : options.Active();
        _activeHeader = _active is null ? null : Header(_active);
    }

    public bool Configured => _active is not null;

    /// <summary>The id of the key new ciphertexts are written with.</summary>
    public string ActiveKeyId => _active ?? throw NotConfigured();

    /// <summary>The first bytes of every ciphertext written with the active key (version, id length, id): the rotation finds
    /// rows still on another key by them.</summary>
    public byte[] ActiveHeader => _activeHeader ?? throw NotConfigured();

    public IReadOnlyCollection<string> KeyIds => _ring.Keys;

    private static GeoException NotConfigured() => GeoException.Unavailable("care_registry",
        "the care registry is not configured on this server (Geo:CareRegistry:Key or Keys + ActiveKeyId); personal data is never stored unencrypted");

    private static byte[] Header(string id)
    {
        var idBytes = Encoding.ASCII.GetBytes(id);
        return [V2, (byte)idBytes.Length, .. idBytes];
    }

    private static byte[] Aad(string field, string keyId) => Encoding.UTF8.GetBytes(field + "\n" + keyId);

    public byte[] Encrypt(string field, string plaintext)
    {
        var header = ActiveHeader;
        var key = _ring[_active!];
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[header.Length + 12 + 16 + plain.Length];
        header.CopyTo(output, 0);
        var nonce = output.AsSpan(header.Length, 12);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plain, output.AsSpan(header.Length + 28), output.AsSpan(header.Length + 12, 16), Aad(field, _active!));
        return output;
    }

    /// <summary>The id of the key a ciphertext was written with (<c>default</c> for version 1).</summary>
    public static string KeyIdOf(string field, byte[] data)
    {
        if (data.Length >= 29 && data[0] == V1) return CareRegistryOptions.DefaultKeyId;
        if (data.Length >= 2 && data[0] == V2 && data[1] is > 0 and <= 32 && data.Length >= 2 + data[1] + 28)
        {
            var id = Encoding.ASCII.GetString(data, 2, data[1]);
            if (CareRegistryOptions.ValidId(id)) return id;
        }
        throw GeoException.Unavailable("care_registry", $"a stored {field} is not a care registry ciphertext (unknown format or damaged)");
    }

    public string Decrypt(string field, byte[] data)
    {
        if (!Configured) throw NotConfigured();
        var keyId = KeyIdOf(field, data);
        if (!_ring.TryGetValue(keyId, out var key))
            throw GeoException.Unavailable("care_registry",
                $"a stored {field} was encrypted with key '{keyId}', which is not in this server's key ring ({string.Join(", ", _ring.Keys.Order())}); "
                + "keep old keys under Geo:CareRegistry:Keys until ./geo care rotate-key has re-encrypted every row");
        int start;
        byte[] aad;
        if (data[0] == V1) (start, aad) = (1, Encoding.UTF8.GetBytes(field));
        else (start, aad) = (2 + data[1], Aad(field, keyId));
        var plain = new byte[data.Length - start - 28];
        using var gcm = new AesGcm(key, 16);
        try
        {
            gcm.Decrypt(data.AsSpan(start, 12), data.AsSpan(start + 28), data.AsSpan(start + 12, 16), plain, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            // altered bytes, a field moved to another column, or a different key under the same id: refuse, never guess
            throw GeoException.Unavailable("care_registry",
                $"a stored {field} fails authentication with key '{keyId}' (altered, moved from another field, or the key under that id changed); it is refused");
        }
        return Encoding.UTF8.GetString(plain);
    }
}
