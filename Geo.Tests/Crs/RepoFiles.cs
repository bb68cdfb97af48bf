namespace Geo.Tests.Crs;

/// <summary>Files committed to the repository (data/...), found from the test binary by walking up to
/// Geo.sln, so tests read the same bytes whatever the build output directory is.</summary>
internal static class RepoFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Geo.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Geo.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);
}
