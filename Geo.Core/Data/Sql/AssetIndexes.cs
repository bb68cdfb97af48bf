namespace Geo.Core.Data.Sql;

/// <summary>Which indexes <c>assets</c> keeps beyond the primary key and why (each one is maintained on
/// every inserted row, so each must be used by some plan). See docs/DESIGN-NOTES.md "Bulk import".</summary>
public static class AssetIndexes
{
    /// <summary>Kinds that are rare and looked up on their own (nearest shelter, service stations for the
    /// quick-help registry): a partial (kind, status) index answers them without a scan of a million rows, and a
    /// load of common kinds does not maintain it.</summary>
    public const string RareKindFilter = $"kind IN ({TileTriggers.RareKinds})";
}
