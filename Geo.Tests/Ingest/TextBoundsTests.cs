using System.Text;
using Geo.Ingest.Importers;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

/// <summary>Issue 12, findings 1 and 8: a GBK file is refused or read exactly (never '?' for a bad byte), and a
/// file without line breaks is refused by line number before it is read into memory.</summary>
public sealed class TextBoundsTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    // 通州 in GBK, then a lead byte 0x81 followed by 0x20 (no GBK/GB18030 character), then valid text again
    private static readonly byte[] BadGbk = [.. "id,name,lon,lat\r\nx1,"u8, 0xcd, 0xa8, 0xd6, 0xdd, (byte)'A', 0x81, 0x20, .. ",116.70,39.85\r\n"u8];

    [Fact]
    public async Task Invalid_bytes_in_a_declared_GBK_file_are_refused_with_line_and_column()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.WriteBytes("bad-gbk.csv", BadGbk);
        // line 2: "x1," then 通 州 A are columns 4-6, the bad lead byte is column 7
        await IngestKit.RefusedAsync(db, path, ["line 2, column 7", "not valid gbk"], encoding: "gbk");
    }

    [Fact]
    public async Task Bytes_that_are_neither_UTF8_nor_GBK_are_refused_when_detecting()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.WriteBytes("bad-any.csv", BadGbk);
        await IngestKit.RefusedAsync(db, path, ["line 2, column 7", "neither UTF-8 nor GBK"]);
    }

    [Fact]
    public void A_GBK_file_decodes_exactly_with_the_strict_GB18030()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.WriteBytes("ok.csv", [.. "id,name\r\nx1,"u8, 0xcd, 0xa8, 0xd6, 0xdd, .. "\r\n"u8]);
        var enc = TextEncodings.ForTextFile(path, null, out var note);
        Assert.Contains("GB18030", note);
        Assert.Equal("id,name\r\nx1,通州\r\n", File.ReadAllText(path, enc));
        Assert.Throws<DecoderFallbackException>(() => TextEncodings.Gb18030.GetString([0x81, 0x20]));
    }

    [Fact]
    public async Task A_file_without_line_breaks_is_refused_naming_the_line_without_reading_it_whole()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = Path.Combine(s.Path, "one-line.csv");
        await using (var f = File.Create(path))
        {
            await f.WriteAsync("id,name,lon,lat\n"u8.ToArray());
            var chunk = Encoding.ASCII.GetBytes(new string('a', 1 << 16));
            for (var i = 0; i < 48; i++) await f.WriteAsync(chunk); // 3 MiB on line 2
        }
        // the scan stops at the bound and names the line (a per-thread allocation count was tried here too, but
        // across awaits it measures whichever tests shared the thread: it flaked in a full run)
        await IngestKit.RefusedAsync(db, path, ["line 2: longer than 1 MiB without a line break"]);
    }

    [Fact]
    public async Task A_quoted_field_that_never_closes_is_bounded()
    {
        using var s = new TempDir("geo-ingest-test-");
        var sb = new StringBuilder("id,name,lon,lat\nx1,\"open");
        var line = new string('b', 1000);
        for (var i = 0; i < 1200; i++) sb.Append('\n').Append(line); // 1.2 M characters over many short lines
        var path = s.Write("open-quote.csv", sb.ToString());
        await IngestKit.RefusedAsync(db, path, ["line 2: broken CSV: a quoted field runs past 1 Mi characters"]);
    }
}
