using NetTopologySuite.Geometries;

namespace Geo.Core.Tiles;

/// <summary>Pre-rendered tiles on disk as {dir}/{layer}/{z}/{x}/{y}.pbf, written by `./geo tiles seed`
/// and served before rendering. A change in the database deletes the seeded tiles it touches, so a
/// seeded tile is never staler than a cached one.</summary>
public sealed class TileSeedStore(string? directory)
{
    public string? Directory { get; } = string.IsNullOrWhiteSpace(directory) ? null : directory;

    public string PathOf(string layer, TileAddress t) =>
        Path.Combine(Directory ?? throw new InvalidOperationException("no seed directory"), layer, t.Z.ToString(), t.X.ToString(), t.Y + ".pbf");

    public async Task<byte[]?> TryReadAsync(string layer, TileAddress t, CancellationToken ct)
    {
        if (Directory is null) return null;
        var path = PathOf(layer, t);
        try
        {
            return File.Exists(path) ? await File.ReadAllBytesAsync(path, ct) : null;
        }
        catch (FileNotFoundException)
        {
            return null; // deleted by an invalidation between the check and the read
        }
    }

    public async Task WriteAsync(string layer, TileAddress t, byte[] bytes, CancellationToken ct)
    {
        var path = PathOf(layer, t);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        await File.WriteAllBytesAsync(tmp, bytes, ct);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Deletes the seeded tiles of <paramref name="layers"/> whose buffered bounds touch <paramref name="changed"/>.</summary>
    public int Invalidate(IEnumerable<TileLayer> layers, Envelope changed)
    {
        if (Directory is null) return 0;
        var n = 0;
        foreach (var layer in layers)
        {
            var root = Path.Combine(Directory, layer.Id);
            if (!System.IO.Directory.Exists(root)) continue;
            foreach (var file in System.IO.Directory.EnumerateFiles(root, "*.pbf", SearchOption.AllDirectories))
            {
                if (TryParse(Path.GetRelativePath(root, file), out var t) && t.Bounds(TileSql.BufferFraction).Intersects(changed))
                {
                    File.Delete(file);
                    n++;
                }
            }
        }
        return n;
    }

    private static bool TryParse(string relative, out TileAddress t)
    {
        t = default;
        var parts = relative.Replace('\\', '/').Split('/');
        if (parts.Length != 3 || !parts[2].EndsWith(".pbf", StringComparison.Ordinal)) return false;
        if (!int.TryParse(parts[0], out var z) || !int.TryParse(parts[1], out var x) || !int.TryParse(parts[2][..^4], out var y)) return false;
        if (!TileAddress.IsValid(z, x, y)) return false;
        t = new TileAddress(z, x, y);
        return true;
    }
}
