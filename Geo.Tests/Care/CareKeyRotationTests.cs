using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Geo.Core.Care;
using Geo.Core.Common;
using Geo.Core.Domain;
using Geo.Core.Walking;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Care;

/// <summary>The registry's key ring: ciphertexts name their key, a rotation re-encrypts every row (registry and delivery
/// orders) to the active key in resumable, idempotent batches, after which the old key can go; an unknown key id and a
/// tampered ciphertext are refused with a clear error, never read as something else.</summary>
public sealed class CareKeyRotationTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private static CareCipher Ring(string? active, params (string Id, string Key)[] keys) =>
        new(new CareRegistryOptions { Keys = keys.ToDictionary(k => k.Id, k => k.Key), ActiveKeyId = active });

    private static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "test-admin"), new Claim(ClaimTypes.Role, GeoRoles.Admin)], "test"));

    /// <summary>A version-1 ciphertext as written before key ids (version byte, nonce, tag, data; the field as associated data).</summary>
    private static byte[] LegacyV1(string keyBase64, string field, string text)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        var output = new byte[29 + plain.Length];
        output[0] = 1;
        RandomNumberGenerator.Fill(output.AsSpan(1, 12));
        using var gcm = new AesGcm(Convert.FromBase64String(keyBase64), 16);
        gcm.Encrypt(output.AsSpan(1, 12), plain, output.AsSpan(29), output.AsSpan(13, 16), Encoding.UTF8.GetBytes(field));
        return output;
    }

    private async Task<long> InsertAsync(long community, byte[] name, byte[] contact, byte[]? address, byte[]? needs)
    {
        await using var cmd = db.DataSource.CreateCommand("""
            INSERT INTO care_registry (community_id, geom, category, name_enc, contact_enc, address_enc, needs_enc, synthetic, created_by)
            VALUES ($1, ST_SetSRID(ST_MakePoint(116.905, 39.605), 4326), 'elderly_alone', $2, $3, $4, $5, true, 'test') RETURNING id
            """);
        cmd.Parameters.AddWithValue(community);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(contact);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, (object?)address ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, (object?)needs ?? DBNull.Value);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<long, (string Name, string Contact, string? Address, string? Needs)>> ReadAllAsync(CareCipher cipher)
    {
        var page = await new CareRegistry(db.DataSource, cipher, new WalkingGraphProvider(db.DataSource), new WalkingOptions())
            .ListAsync(Admin, null, CareRegistry.MaxPage, 0, default);
        return page.Records.ToDictionary(r => r.Id, r => (r.Name, r.Contact, r.Address, r.Needs));
    }

    private async Task<byte[]> RawAsync(string sql, long id)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(id);
        return (byte[])(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Rotation_re_encrypts_every_row_resumably_then_the_old_key_can_go_and_tampering_is_refused()
    {
        var (community, _) = await GridFixtures.CellAsync(db.DataSource, "KR", 116.90, 39.60, 0.01, "钥网格");
        var a = Ring("a", ("a", KeyA));
        // 11 records on key a, one legacy (version 1, read as key "default"), one with empty optional fields
        var expected = new Dictionary<long, (string, string, string?, string?)>();
        for (var i = 0; i < 11; i++)
        {
            var v = ($"住户{i}", $"1380000{i:D4}", (string?)$"{i}号楼", (string?)(i % 3 == 0 ? null : "送餐"));
            expected[await InsertAsync(community, a.Encrypt("name", v.Item1), a.Encrypt("contact", v.Item2), a.Encrypt("address", v.Item3!),
                v.Item4 is null ? null : a.Encrypt("needs", v.Item4))] = v;
        }
        var legacy = await InsertAsync(community, LegacyV1(KeyA, "name", "老住户"), LegacyV1(KeyA, "contact", "13800009999"), null, null);
        expected[legacy] = ("老住户", "13800009999", null, null);
        // a delivery order's contact, encrypted like the registry's
        var shop = await GridFixtures.AssetAsync(db, "送菜店 KR", 116.906, 39.606, AssetFixtures.DefaultAttributes(AssetKind.Shop));
        await using (var ctx = db.CreateContext())
        {
            var u = new GeoUser { UserName = "provider-kr", DisplayName = "KR", Role = GeoRoles.Resident, PasswordHash = "unused" };
            ctx.Users.Add(u);
            await ctx.SaveChangesAsync();
            await using var cmd = db.DataSource.CreateCommand("INSERT INTO delivery_providers (asset_id, user_id) VALUES ($1, $2)");
            cmd.Parameters.AddWithValue(shop);
            cmd.Parameters.AddWithValue(u.Id);
            await cmd.ExecuteNonQueryAsync();
        }
        long order;
        await using (var cmd = db.DataSource.CreateCommand("""
            INSERT INTO deliveries (provider_id, geom, items, contact_enc, address_enc, status, walk_m, walk_min, orderer, orderer_role, ordered_at, accept_by, deliver_by, updated_at)
            VALUES ($1, ST_SetSRID(ST_MakePoint(116.905, 39.605), 4326), '米', $2, $3, 'ordered', 10, 1, 't', 'resident', now(), now() + interval '1 hour', now() + interval '2 hours', now())
            RETURNING id
            """))
        {
            cmd.Parameters.AddWithValue(shop);
            cmd.Parameters.AddWithValue(a.Encrypt("delivery.contact", "13800007777"));
            cmd.Parameters.AddWithValue(a.Encrypt("delivery.address", "5号楼"));
            order = (long)(await cmd.ExecuteScalarAsync())!;
        }

        // the ring during rotation: both keys (and the legacy one under "default"), b active
        var both = new CareCipher(new CareRegistryOptions { Keys = new() { ["a"] = KeyA, ["b"] = KeyB, ["default"] = KeyA }, ActiveKeyId = "b" });
        Assert.Equal(expected, await ReadAllAsync(both));
        var inUse = await CareKeyRotation.KeysInUseAsync(db.DataSource, default);
        Assert.Equal(new Dictionary<string, long> { ["a"] = 11 * 3 + 7 + 2, ["default"] = 2 }, inUse);

        // interrupted after its first batch (3 rows): that batch is committed, the rest untouched
        using (var stop = new CancellationTokenSource())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CareKeyRotation.RotateAsync(db.DataSource, both, 3, _ => stop.Cancel(), stop.Token));
        }
        var partial = await CareKeyRotation.KeysInUseAsync(db.DataSource, default);
        Assert.True(partial.GetValueOrDefault("b") > 0 && partial.GetValueOrDefault("a") > 0, string.Join(", ", partial));
        Assert.Equal(expected, await ReadAllAsync(both)); // mid-rotation every record reads

        // resumed: the rest, in batches of 3; the registry rows done in the first run are not rewritten
        var versions = new Dictionary<long, long>();
        await using (var cmd = db.DataSource.CreateCommand("SELECT id, xmin::text::bigint FROM care_registry"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) versions[r.GetInt64(0)] = r.GetInt64(1);
        var report = await CareKeyRotation.RotateAsync(db.DataSource, both, 3, null, default);
        Assert.Equal(12 - 3, report.RegistryRows);
        Assert.Equal(1, report.DeliveryRows);
        Assert.Equal(new Dictionary<string, long> { ["b"] = 11 * 3 + 7 + 2 + 2 }, report.KeysInUse);
        Assert.Equal(3, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry WHERE xmin::text::bigint = ANY($1)", versions.Values.ToArray()));

        // idempotent: a second run finds nothing to do and changes nothing
        var again = await CareKeyRotation.RotateAsync(db.DataSource, both, 3, null, default);
        Assert.Equal((0, 0, 0), (again.RegistryRows, again.DeliveryRows, again.Batches));
        // audited, by batch, naming the keys
        Assert.Equal(12, await GridFixtures.CountAsync(db.DataSource, "SELECT count(DISTINCT x) FROM care_registry_audit, unnest(record_ids) x WHERE action = 'rotate-key'"));
        Assert.True(await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry_audit WHERE action = 'rotate-key' AND detail LIKE '%default%to b'") >= 1);

        // the old keys can now be removed: key b alone reads every record and the order to the same values
        var b = Ring("b", ("b", KeyB));
        Assert.Equal(expected, await ReadAllAsync(b));
        Assert.Equal("13800007777", b.Decrypt("delivery.contact", await RawAsync("SELECT contact_enc FROM deliveries WHERE id = $1", order)));
        Assert.Equal("5号楼", b.Decrypt("delivery.address", await RawAsync("SELECT address_enc FROM deliveries WHERE id = $1", order)));

        // a ring without b: a clear error naming the missing key id, not a crash or garbage
        var missing = await Assert.ThrowsAsync<GeoException>(() => ReadAllAsync(a));
        Assert.Equal(GeoErrorKind.Unavailable, missing.Kind);
        Assert.Contains("key 'b'", missing.Message);
        Assert.Contains("not in this server's key ring", missing.Message);

        // tampering: one flipped ciphertext byte, and a ciphertext moved into another field, are refused
        var victim = expected.Keys.First();
        var name = await RawAsync("SELECT name_enc FROM care_registry WHERE id = $1", victim);
        var flipped = (byte[])name.Clone();
        flipped[^1] ^= 0x01;
        await using (var cmd = db.DataSource.CreateCommand("UPDATE care_registry SET name_enc = $2 WHERE id = $1"))
        {
            cmd.Parameters.AddWithValue(victim);
            cmd.Parameters.AddWithValue(flipped);
            await cmd.ExecuteNonQueryAsync();
        }
        var tampered = await Assert.ThrowsAsync<GeoException>(() => ReadAllAsync(b));
        Assert.Contains("fails authentication", tampered.Message);
        Assert.Contains("name", tampered.Message);
        var swapped = Assert.Throws<GeoException>(() => b.Decrypt("contact", name));
        Assert.Contains("fails authentication", swapped.Message);
        // a changed key id in the header: the id is authenticated too, so it fails rather than decrypting under another name
        var relabelled = (byte[])name.Clone();
        Assert.Equal((byte)'b', relabelled[2]);
        relabelled[2] = (byte)'c';
        Assert.Contains("fails authentication", Assert.Throws<GeoException>(() => Ring("c", ("b", KeyB), ("c", KeyB)).Decrypt("name", relabelled)).Message);
        // a rotation meeting the tampered row stops with the error and rewrites nothing of its batch
        var c = new CareCipher(new CareRegistryOptions { Keys = new() { ["b"] = KeyB, ["c"] = KeyA }, ActiveKeyId = "c" });
        await Assert.ThrowsAsync<GeoException>(() => CareKeyRotation.RotateAsync(db.DataSource, c, 100, null, default));
        Assert.Equal(new Dictionary<string, long> { ["b"] = 11 * 3 + 7 + 2 + 2 }, await CareKeyRotation.KeysInUseAsync(db.DataSource, default));
    }

    [Fact]
    public void Key_ring_settings_are_checked_at_start_with_the_setting_named()
    {
        static string Problem(CareRegistryOptions o) => Assert.Throws<InvalidOperationException>(() => new CareCipher(o)).Message;
        Assert.Contains("ActiveKeyId is required", Problem(new() { Keys = new() { ["a"] = KeyA, ["b"] = KeyB } }));
        Assert.Contains("'z' is not in the key ring", Problem(new() { Keys = new() { ["a"] = KeyA }, ActiveKeyId = "z" }));
        Assert.Contains("Geo:CareRegistry:Keys:a must be 32 bytes", Problem(new() { Keys = new() { ["a"] = "c2hvcnQ=" } }));
        Assert.Contains("key id 'a b'", Problem(new() { Keys = new() { ["a b"] = KeyA } }));
        Assert.Contains("both set and differ", Problem(new() { Key = KeyA, Keys = new() { ["default"] = KeyB }, ActiveKeyId = "default" }));
        // the single Key of before is the ring's "default", active when alone
        var single = new CareCipher(new CareRegistryOptions { Key = KeyA });
        Assert.Equal("default", single.ActiveKeyId);
        Assert.Equal("秘密", single.Decrypt("name", LegacyV1(KeyA, "name", "秘密")));
        Assert.Equal("default", CareCipher.KeyIdOf("name", single.Encrypt("name", "x")));
        Assert.False(new CareCipher(new CareRegistryOptions()).Configured);
    }
}
