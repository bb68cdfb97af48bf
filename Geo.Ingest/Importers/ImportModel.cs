using Geo.Core.Crs;

namespace Geo.Ingest.Importers;

public sealed record ImportOptions
{
    public required string Path { get; init; }

    /// <summary>Kind for features without a "kind" property.</summary>
    public string? Kind { get; init; }

    public string Crs { get; init; } = SupportedCrs.Wgs84;

    /// <summary>True when --crs was given: a CRS declared by the file then does not override it.</summary>
    public bool CrsExplicit { get; init; }

    /// <summary>Defaults to the file name.</summary>
    public string? Source { get; init; }

    /// <summary>Text encoding of CSV (and DBF without .cpg); null = detect (valid UTF-8, else GB18030).</summary>
    public string? Encoding { get; init; }

    /// <summary>Repair invalid geometries with MakeValid (and warn) instead of rejecting them.</summary>
    public bool Repair { get; init; }

    /// <summary>GeoPackage table to read when the file has several feature tables.</summary>
    public string? Layer { get; init; }

    /// <summary>A new source of at least this many accepted rows (counted before the COPY starts) goes
    /// through the stage and the spatially sorted insert (see <see cref="BulkLoad.SortedInsertAsync"/>);
    /// 0 sends every new source that way (tests).</summary>
    public long BulkFromRows { get; init; } = BulkLoad.SortFromRows;

    /// <summary>Benchmarks: run the spatially sorted insert under EXPLAIN (ANALYZE) and report where its time went
    /// (sort, rows + CHECKs + indexes, foreign keys, each statement trigger) as phases. Same writes, same result.</summary>
    public bool ProfileInsert { get; init; }

    public string EffectiveSource => string.IsNullOrWhiteSpace(Source) ? System.IO.Path.GetFileName(Path.TrimEnd('/', '\\')) : Source.Trim();
}

public sealed record ImportReport(string Source, long Read, long Inserted, long Updated, long Unchanged, IReadOnlyList<string> Warnings, TimeSpan Elapsed)
{
    /// <summary>Wall time per phase, for benchmarks and slow-import diagnosis.</summary>
    public IReadOnlyList<(string Phase, TimeSpan Time)> Phases { get; init; } = [];

    /// <summary>Rows of a re-import left out before the COPY because their stored digest matched (part of <see cref="Unchanged"/>).</summary>
    public long UnchangedByDigest { get; init; }

    public string PhaseSummary => string.Join(", ", Phases.Select(p => $"{p.Phase} {p.Time.TotalSeconds:0.00} s"));

    public override string ToString() =>
        $"{Source}: read {Read}, inserted {Inserted}, updated {Updated}, unchanged {Unchanged}, warnings {Warnings.Count} ({Elapsed.TotalSeconds:0.00} s)";
}

/// <summary>The import was refused; nothing was written. <see cref="Errors"/> carry row numbers and reasons.</summary>
public sealed class ImportException(IReadOnlyList<string> errors)
    : Exception(errors.Count == 1 ? errors[0] : $"{errors.Count} errors:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public ImportException(string error) : this([error]) { }

    public IReadOnlyList<string> Errors { get; } = errors;
}

public readonly record struct ImportProgress(string Phase, long Rows, double Fraction);
