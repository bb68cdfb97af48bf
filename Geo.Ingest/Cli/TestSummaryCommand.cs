using System.Globalization;
using System.Xml.Linq;

namespace Geo.Ingest.Cli;

/// <summary>`test-summary FILE.trx`: the end of ./geo test's output. Each test that did not pass with the first lines of
/// its message (so a CI log's tail says which), then <c>N passed, N failed</c> as the last line, which CI reads.</summary>
internal static class TestSummaryCommand
{
    public const string Usage = "test-summary FILE.trx";

    private static readonly XNamespace T = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [var file] || file.StartsWith('-'))
        {
            await Console.Error.WriteLineAsync($"usage: {Usage}");
            return args is ["-h" or "--help"] ? 0 : 2;
        }
        var (passed, failed) = Summarize(XDocument.Load(file), Console.Out);
        Console.WriteLine($"{passed} passed, {failed} failed");
        return 0;
    }

    /// <summary>Counts from the run's counters: errors, timeouts and aborts are failures, and so is any test counted in
    /// the total but neither passed, failed nor not executed.</summary>
    internal static (int Passed, int Failed) Summarize(XDocument trx, TextWriter output)
    {
        var counters = trx.Descendants(T + "Counters").FirstOrDefault();
        int Count(string name) => int.TryParse(counters?.Attribute(name)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var passed = Count("passed");
        var failed = Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        failed += Math.Max(0, Count("total") - passed - failed - Count("notExecuted"));
        foreach (var r in trx.Descendants(T + "UnitTestResult").Where(r => (string?)r.Attribute("outcome") is not ("Passed" or "NotExecuted")))
        {
            output.WriteLine($"NOT PASSED ({(string?)r.Attribute("outcome")}): {(string?)r.Attribute("testName")} [{(string?)r.Attribute("duration")}]");
            var message = r.Element(T + "Output")?.Element(T + "ErrorInfo")?.Element(T + "Message")?.Value ?? "";
            foreach (var line in message.Trim().Split('\n').Where(l => l.Length > 0).Take(6))
                output.WriteLine($"    {(line.Length > 300 ? line[..300] : line).TrimEnd('\r')}");
        }
        return (passed, failed);
    }
}
