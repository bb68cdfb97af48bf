using System.Security.Cryptography;
using System.Text;
using Geo.Core.Common;

namespace Geo.Core.Care;

/// <summary>Bound from <c>Geo:CareRegistry</c>. The key is 32 random bytes in base64 (<c>head -c32 /dev/urandom | base64</c>),
/// kept outside the database (environment, secret store; <c>./geo run</c> makes one in its state directory).
/// Without a key the registry answers 503: personal data is never stored in clear as a fallback.</summary>
public sealed class CareRegistryOptions
{
    public const string Section = "Geo:CareRegistry";

    public string? Key { get; set; }

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Key)) yield break;
        byte[]? bytes = null;
        try { bytes = Convert.FromBase64String(Key.Trim()); } catch (FormatException) { }
        if (bytes is not { Length: 32 }) yield return "Geo:CareRegistry:Key must be 32 bytes in base64 (AES-256)";
    }
}

/// <summary>AES-256-GCM for the registry's personal fields. Layout: version byte (1) · 12-byte random nonce ·
/// 16-byte tag · ciphertext. The field name is authenticated data, so a name cannot be swapped into the contact column.</summary>
public sealed class CareCipher
{
    private const byte Version = 1;
    private readonly byte[]? _key;

    public CareCipher(CareRegistryOptions options)
    {
        GeoOptions.ThrowIfInvalid(CareRegistryOptions.Section, options.Problems());
        _key = string.IsNullOrWhiteSpace(options.Key) ? null : Convert.FromBase64String(options.Key.Trim());
    }

    public bool Configured => _key is not null;

    private byte[] Key => _key ?? throw GeoException.Unavailable("care_registry",
        "the care registry is not configured on this server (Geo:CareRegistry:Key); personal data is never stored unencrypted");

    public byte[] Encrypt(string field, string plaintext)
    {
        var key = Key;
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + 12 + 16 + plain.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plain, output.AsSpan(29), output.AsSpan(13, 16), Encoding.UTF8.GetBytes(field));
        return output;
    }

    public string Decrypt(string field, byte[] data)
    {
        var key = Key;
        if (data.Length < 29 || data[0] != Version) throw new CryptographicException($"care registry field {field}: unknown ciphertext format");
        var plain = new byte[data.Length - 29];
        using var gcm = new AesGcm(key, 16);
        try
        {
            gcm.Decrypt(data.AsSpan(1, 12), data.AsSpan(29), data.AsSpan(13, 16), plain, Encoding.UTF8.GetBytes(field));
        }
        catch (AuthenticationTagMismatchException)
        {
            // a rotated or wrong key: say so instead of failing with a server error
            throw GeoException.Unavailable("care_registry", $"a stored {field} cannot be decrypted with the configured Geo:CareRegistry:Key");
        }
        return Encoding.UTF8.GetString(plain);
    }
}
