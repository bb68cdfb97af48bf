using System.Text;

namespace Geo.Tests.Infrastructure;

/// <summary>A fresh directory under the system temp folder for one test's files (a prefix names it, so a
/// leftover says which test left it), deleted with everything in it on Dispose.</summary>
internal sealed class TempDir(string prefix = "geo-test-") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The full path of <paramref name="name"/> inside the directory; nothing is created.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a text file (UTF-8 without BOM unless told) and returns its path.</summary>
    public string Write(string name, string content, Encoding? encoding = null)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content, encoding ?? new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        // a test may have removed it already (or the files the tool under test wrote there)
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
