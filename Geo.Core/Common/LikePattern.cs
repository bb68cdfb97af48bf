namespace Geo.Core.Common;

/// <summary>User text inside a LIKE/ILIKE pattern: <c>\</c>, <c>%</c> and <c>_</c> are escaped with <see cref="Escape"/>
/// (PostgreSQL's default escape character; EF's <c>ILike</c> must be given it, it otherwise emits <c>ESCAPE ''</c>).</summary>
public static class LikePattern
{
    public const string Escape = @"\";

    public static string Escaped(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    /// <summary>Matches any text that contains <paramref name="text"/>.</summary>
    public static string Contains(string text) => "%" + Escaped(text) + "%";
}
