using System.Xml.Linq;
using Geo.Ingest.Cli;

namespace Geo.Tests.Cli;

/// <summary>The end of ./geo test's output (<see cref="TestSummaryCommand"/>): what CI reads.</summary>
public sealed class TestSummaryTests
{
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testName="A.Passes" outcome="Passed" duration="00:00:01" />
            <UnitTestResult testName="A.Fails" outcome="Failed" duration="00:00:02">
              <Output><ErrorInfo><Message>Assert.Equal() Failure
        Expected: 1
        Actual:   2
        line 4
        line 5
        line 6
        line 7 is not shown</Message></ErrorInfo></Output>
            </UnitTestResult>
            <UnitTestResult testName="A.Skipped" outcome="NotExecuted" duration="00:00:00" />
          </Results>
          <ResultSummary outcome="Failed">
            <Counters total="5" executed="4" passed="1" failed="1" error="0" timeout="1" aborted="0" notExecuted="1" />
          </ResultSummary>
        </TestRun>
        """;

    [Fact]
    public void Names_each_test_that_did_not_pass_with_the_first_lines_of_its_message_and_counts_the_rest_as_failed()
    {
        var output = new StringWriter();
        var (passed, failed) = TestSummaryCommand.Summarize(XDocument.Parse(Trx), output);
        Assert.Equal(1, passed);
        // failed 1 + timeout 1, and the one test counted in the total but in no outcome
        Assert.Equal(3, failed);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("NOT PASSED (Failed): A.Fails [00:00:02]", lines[0]);
        Assert.Equal(["Assert.Equal() Failure", "Expected: 1", "Actual:   2", "line 4", "line 5", "line 6"], lines[1..]);
    }
}
