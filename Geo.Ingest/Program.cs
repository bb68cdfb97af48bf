namespace Geo.Ingest;

internal static class EntryPoint
{
    // Not top-level statements: Geo.Web's Program must be the only `Program` the tests see.
    private static Task<int> Main(string[] args) => Cli.GeoCli.RunAsync(args);
}
