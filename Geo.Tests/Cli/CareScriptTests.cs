using Geo.Core.Care;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Cli;

/// <summary>`./geo care rotate-key` through the real script, on the demo's synthetic registry households (which
/// `./geo run` adds with `care demo`): every field re-encrypted to the active key, a second run a no-op, the old key then
/// unneeded; bad options are one line.</summary>
public sealed class CareScriptTests(ScriptDatabase fixture) : IClassFixture<ScriptDatabase>
{
    private static readonly TimeSpan Timeout = ScriptDatabase.Timeout;
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(77, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Care_rotate_key_re_encrypts_the_demo_households_to_the_active_key_once()
    {
        var script = fixture.Script;
        var onA = new Dictionary<string, string> { ["Geo__CareRegistry__Keys__a"] = KeyA, ["Geo__CareRegistry__ActiveKeyId"] = "a" };
        var demo = await script.RunAsync(Timeout, onA, "care", "demo");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Matches(@"care registry demo: \d+ synthetic households added \(encrypted with key 'a'\)", demo.Stdout);
        var households = await GridFixtures.CountAsync(fixture.Db.DataSource, "SELECT count(*) FROM care_registry WHERE synthetic AND created_by = 'generator'");
        Assert.True(households >= 5, $"{households} demo households");
        Assert.Contains("already present", (await script.RunAsync(Timeout, onA, "care", "demo")).Stdout);

        var ring = new Dictionary<string, string>
        {
            ["Geo__CareRegistry__Keys__a"] = KeyA, ["Geo__CareRegistry__Keys__b"] = KeyB, ["Geo__CareRegistry__ActiveKeyId"] = "b",
        };
        var rotate = await script.RunAsync(Timeout, ring, "care", "rotate-key", "--batch", "7");
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        Assert.Contains($"done: {households} registry rows and 0 delivery orders re-encrypted in {(households + 6) / 7} transactions", rotate.Stdout);
        Assert.Contains("every ciphertext is on the active key", rotate.Stdout);
        var again = await script.RunAsync(Timeout, ring, "care", "rotate-key");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("done: 0 registry rows and 0 delivery orders re-encrypted in 0 transactions", again.Stdout);

        // key b alone reads every household: the labelled synthetic names
        var b = new CareCipher(new CareRegistryOptions { Keys = new() { ["b"] = KeyB } });
        await using (var cmd = fixture.Db.DataSource.CreateCommand("SELECT name_enc, contact_enc FROM care_registry"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                Assert.StartsWith("【合成】", b.Decrypt("name", r.GetFieldValue<byte[]>(0)));
                Assert.StartsWith("1380000", b.Decrypt("contact", r.GetFieldValue<byte[]>(1)));
            }

        var bad = await script.RunAsync(Timeout, ring, "care", "rotate-key", "--batch", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--batch takes 1..10000", Assert.Single(bad.ErrorLines));
        var noActive = await script.RunAsync(Timeout, new Dictionary<string, string> { ["Geo__CareRegistry__Keys__a"] = KeyA, ["Geo__CareRegistry__Keys__b"] = KeyB },
            "care", "rotate-key");
        Assert.Equal(2, noActive.ExitCode);
        Assert.Contains("ActiveKeyId is required", Assert.Single(noActive.ErrorLines));
    }
}
