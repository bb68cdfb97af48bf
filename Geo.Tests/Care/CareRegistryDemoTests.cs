using Geo.Core.Care;
using Geo.Core.Domain;
using Geo.Ingest.Generation;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Care;

/// <summary>The demo's synthetic registry households: deterministic by seed, labelled synthetic (flag, name prefix,
/// placeholder phone prefix), encrypted like real ones (nothing readable at rest), about 4 per 1,000 households, added once.</summary>
public sealed class CareRegistryDemoTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static readonly CareCipher Cipher = new(new CareRegistryOptions { Keys = new() { ["demo"] = Convert.ToBase64String(new byte[32]) } });

    private async Task<List<(long Building, string Category, string Name, string Contact, string Address, string Needs)>> RowsAsync()
    {
        var rows = new List<(long, string, string, string, string, string)>();
        await using var cmd = db.DataSource.CreateCommand("""
            SELECT building_id, category, name_enc, contact_enc, address_enc, needs_enc, synthetic FROM care_registry WHERE created_by = 'generator' ORDER BY id
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            Assert.True(r.GetBoolean(6));
            rows.Add((r.GetInt64(0), r.GetString(1), Cipher.Decrypt("name", r.GetFieldValue<byte[]>(2)), Cipher.Decrypt("contact", r.GetFieldValue<byte[]>(3)),
                Cipher.Decrypt("address", r.GetFieldValue<byte[]>(4)), Cipher.Decrypt("needs", r.GetFieldValue<byte[]>(5))));
        }
        return rows;
    }

    private async Task ClearAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("DELETE FROM care_registry WHERE created_by = 'generator'");
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Demo_households_are_deterministic_by_seed_labelled_synthetic_encrypted_and_added_once()
    {
        await GridFixtures.CellAsync(db.DataSource, "GD", 116.70, 39.70, 0.02, "演网格");
        var households = 0;
        for (var i = 0; i < 20; i++)
        {
            var h = 200 + 37 * i;
            households += h;
            await GridFixtures.AssetAsync(db, $"合成小区{i}号楼", 116.701 + i * 0.0009, 39.705, new ResidentialBuildingAttributes(h, h * 2));
        }
        await using (var cmd = db.DataSource.CreateCommand("UPDATE assets SET synthetic = true WHERE kind = 'residential_building'")) await cmd.ExecuteNonQueryAsync();

        var added = await CareRegistryDemo.EnsureAsync(db.DataSource, Cipher, 7, default);
        var first = await RowsAsync();
        Assert.Equal(added, first.Count);
        Assert.InRange(added, (int)(households * CareRegistryDemo.PerHousehold) - 10, (int)(households * CareRegistryDemo.PerHousehold) + 10);
        Assert.Contains(first, r => r.Category == "elderly_alone");
        Assert.Contains(first, r => r.Category == "severely_disabled");
        Assert.All(first, r =>
        {
            Assert.StartsWith(CareRegistryDemo.NameLabel, r.Name);
            Assert.StartsWith("1380000", r.Contact);
            Assert.StartsWith("合成小区", r.Address);
        });
        // nothing readable at rest
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource,
            "SELECT count(*) FROM care_registry WHERE position(convert_to('合成', 'UTF8') in name_enc) > 0 OR position(convert_to('1380000', 'UTF8') in contact_enc) > 0"));

        Assert.Equal(0, await CareRegistryDemo.EnsureAsync(db.DataSource, Cipher, 7, default)); // once
        await ClearAsync();
        await CareRegistryDemo.EnsureAsync(db.DataSource, Cipher, 7, default);
        Assert.Equal(first, await RowsAsync()); // the same seed, the same households
        await ClearAsync();
        await CareRegistryDemo.EnsureAsync(db.DataSource, Cipher, 8, default);
        Assert.NotEqual(first, await RowsAsync());
    }
}
