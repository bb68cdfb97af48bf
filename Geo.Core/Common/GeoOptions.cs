namespace Geo.Core.Common;

/// <summary>Start-up validation of bound options: a host with a bad setting does not start, and says which.</summary>
public static class GeoOptions
{
    public static void ThrowIfInvalid(string section, IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0) throw new InvalidOperationException($"invalid configuration in {section}: {string.Join("; ", list)}");
    }
}
