using System.Collections.Concurrent;
using System.Diagnostics;
using Geo.Core.Data;
using Geo.Core.Domain;
using Npgsql;

namespace Geo.Ingest.Importers;

/// <summary>Imports one file as assets in one transaction: all rows or none. The file streams through
/// reader → <see cref="GeometryGate"/> → <see cref="FeatureMapper"/> → region lookup on one thread while
/// binary COPY runs on another: straight into assets for a small new source, else into a temporary stage and
/// then either one spatially sorted insert (a big new source) or one set-based upsert by (source, external_id)
/// that touches only rows that really differ, so a re-import changes nothing (same updated_at, same xmin)
/// (see <see cref="BulkLoad"/>). Every index, CHECK, foreign key and trigger stays in place throughout: an
/// import never takes more than ROW EXCLUSIVE on assets, so readers never wait for it.</summary>
public static partial class AssetImporter
{
    private const string Stage = "ingest_stage";
    private const int MaxErrors = 20;
    private const int MaxWarnings = 200;

    public static async Task<ImportReport> RunAsync(NpgsqlDataSource dataSource, ImportOptions o, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var phases = new List<(string Phase, TimeSpan Time)>();
        var last = TimeSpan.Zero;
        void Mark(string phase)
        {
            phases.Add((phase, clock.Elapsed - last));
            last = clock.Elapsed;
        }
        AssetKind? kind = null;
        if (o.Kind is not null)
            kind = AssetKinds.TryParse(o.Kind, out var k) ? k : throw new ImportException($"unknown kind '{o.Kind}' (expected one of {string.Join(", ", AssetKinds.All.Select(x => x.Code()))})");
        using var reader = FeatureReaders.Open(o);
        var warnings = new List<string>();
        if (reader is CsvFeatureReader { EncodingNote: { } note }) warnings.Add(note);
        var crs = o.Crs;
        if (reader.DeclaredCrs is { } declared)
        {
            if (!o.CrsExplicit) crs = declared;
            else if (Geo.Core.Crs.SupportedCrs.Parse(o.Crs) != declared) warnings.Add($"the file declares {declared} but --crs {o.Crs} was given: using {o.Crs}");
        }
        var transform = GeometryGate.TransformFor(crs);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // a killed importer must not leave its backend inserting for minutes (see BulkLoad.ClientCheckInterval)
        await using (var set = new NpgsqlCommand($"SET LOCAL client_connection_check_interval = '{BulkLoad.ClientCheckInterval}'", conn, tx))
            await set.ExecuteNonQueryAsync(ct);
        var regions = await RegionIndex.LoadAsync(conn, ct);
        var source = o.EffectiveSource;
        // a new source is COPYed straight into assets (file order = id order) or, when big, through a stage and
        // a spatially sorted insert; an existing one goes through a stage and the merge that leaves unchanged rows untouched
        var isNew = !await BulkLoad.SourceExistsAsync(conn, tx, source, ct);

        var run = new Run(reader, new GeometryGate(transform, regions, o.Repair), new FeatureMapper(kind, source), regions, warnings, progress);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // a re-import lets the parser run further ahead (about 130k rows) while the stored digests are read
        var batches = new BlockingCollection<Asset[]>(boundedCapacity: isNew ? 8 : 64);
        var producer = Task.Run(() => run.Produce(batches, cancel.Token), cancel.Token);
        var staged = !isNew;
        long skipped = 0;
        try
        {
            // a re-import reads the digests of the source's rows while the file is parsed, and leaves out the rows
            // whose digest is stored: they would be written unchanged (see AssetDigest and the ImportDigest migration)
            AssetBulkWriter.SkipRow? skip = null;
            if (!isNew)
            {
                var stored = await BulkLoad.StoredDigestsAsync(conn, tx, source, cancel.Token);
                Mark("stored digests");
                if (stored.Count > 0)
                    skip = (a, d) =>
                    {
                        if (!stored.Contains(d)) return false;
                        skipped++;
                        return true;
                    };
            }
            // the path is decided on counted rows, not a guess: up to the threshold's worth of accepted rows is held
            // back (a file that ends before it is small and goes straight in; one that reaches it goes through the
            // stage and the sorted insert). The first-block estimate this replaces ran low by the read-ahead
            // buffers (a 100,000-row CSV came out under 100,000; 60,000 rows of CSV went the slow direct way).
            var head = new List<Asset[]>();
            long headRows = 0;
            if (isNew)
                foreach (var b in batches.GetConsumingEnumerable(cancel.Token))
                {
                    head.Add(b);
                    headRows += b.Length;
                    if (BulkLoad.WorthSorting(headRows, o.BulkFromRows)) break;
                }
            if (isNew && run.Errors.Count == 0 && BulkLoad.WorthSorting(headRows, o.BulkFromRows)) staged = true;
            if (staged)
            {
                await using var cmd = new NpgsqlCommand(AssetBulkWriter.CreateStageSql(Stage), conn, tx);
                await cmd.ExecuteNonQueryAsync(cancel.Token);
            }
            var rows = head.Concat(batches.GetConsumingEnumerable(cancel.Token)).SelectMany(b => b);
            await AssetBulkWriter.CopyAsync(conn, staged ? Stage : "assets", rows, withRowNumbers: staged, ct, skip);
        }
        catch (PostgresException e) when (!staged && e.Where is { } where && CopyLine().Match(where) is { Success: true } m)
        {
            await cancel.CancelAsync();
            try { await producer; } catch (ImportException) { throw; } catch (OperationCanceledException) { }
            // COPY's context names the input row that broke a constraint; report it in the file's terms
            throw new ImportException($"data row {m.Groups[1].Value} (in file order): {e.MessageText}{(e.ConstraintName is { } c ? $" ({c})" : "")}");
        }
        catch
        {
            await cancel.CancelAsync(); // unblock the producer, then report the first cause
            try { await producer; } catch (ImportException) { throw; } catch (OperationCanceledException) { }
            throw;
        }
        await producer;
        if (run.Errors.Count > 0) throw new ImportException(run.Errors);

        Mark("read+validate+copy");
        progress?.Report(new ImportProgress(isNew ? "insert" : "upsert", run.Read, 1));
        long inserted, updated;
        if (!staged)
            (inserted, updated) = (run.Accepted, 0);
        else if (isNew)
        {
            var breakdown = o.ProfileInsert ? new List<(string Phase, TimeSpan Time)>() : null;
            (inserted, updated) = (await BulkLoad.SortedInsertAsync(conn, tx, Stage, breakdown, ct), 0);
            Mark("sorted insert");
            if (breakdown is not null) phases.AddRange(breakdown.Select(b => ("  " + b.Phase, b.Time)));
        }
        else
        {
            (inserted, updated) = await BulkLoad.UpsertAsync(conn, tx, Stage, ct);
            Mark("upsert");
        }
        await tx.CommitAsync(ct);
        Mark("commit");
        if (warnings.Count > MaxWarnings) warnings.RemoveRange(MaxWarnings, warnings.Count - MaxWarnings);
        if (run.WarningCount > warnings.Count) warnings.Add($"... {run.WarningCount - warnings.Count} more warnings");
        return new ImportReport(source, run.Read, inserted, updated, run.Read - inserted - updated, warnings, clock.Elapsed)
        {
            Phases = phases,
            UnchangedByDigest = skipped,
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^COPY assets, line (\d+)")]
    private static partial System.Text.RegularExpressions.Regex CopyLine();

    /// <summary>The per-row work of one import, run on the producer thread.</summary>
    private sealed class Run(IFeatureReader reader, GeometryGate gate, FeatureMapper mapper, RegionIndex regions, List<string> warnings, IProgress<ImportProgress>? progress)
    {
        public List<string> Errors { get; } = [];
        public long Read { get; private set; }
        public long WarningCount { get; private set; }
        public long Accepted { get; private set; }

        public void Produce(BlockingCollection<Asset[]> output, CancellationToken ct)
        {
            try
            {
                var firstRow = new Dictionary<string, long>(StringComparer.Ordinal);
                var batch = new List<Asset>(2048);
                foreach (var f in reader.Read())
                {
                    Read++;
                    if (Read % 20_000 == 0) progress?.Report(new ImportProgress("read", Read, reader.Progress));
                    var asset = Accept(f, firstRow);
                    if (asset is null)
                    {
                        if (Errors.Count >= MaxErrors) break;
                        continue;
                    }
                    if (Errors.Count > 0) continue; // the import is lost; keep reading only to report more errors
                    batch.Add(asset);
                    if (batch.Count == batch.Capacity)
                    {
                        output.Add(batch.ToArray(), ct);
                        batch.Clear();
                    }
                }
                if (batch.Count > 0 && Errors.Count == 0) output.Add(batch.ToArray(), ct);
                progress?.Report(new ImportProgress("read", Read, 1));
            }
            finally
            {
                output.CompleteAdding();
            }
        }

        private Asset? Accept(SourceFeature f, Dictionary<string, long> firstRow)
        {
            var at = $"{reader.Unit} {f.Number}";
            if (f.Error is not null || f.Geometry is null) return Fail($"{at}: {f.Error ?? "no geometry"}");
            var (geom, error) = gate.Check(f.Geometry, out var warning);
            if (error is not null) return Fail($"{at}: {error}");
            var (asset, mapError) = mapper.Map(f, geom!);
            if (mapError is not null) return Fail($"{at}: {mapError}");
            if (!firstRow.TryAdd(asset!.ExternalId, f.Number))
                return Fail($"{at}: duplicate external id '{asset.ExternalId}' (also on {reader.Unit} {firstRow[asset.ExternalId]})");
            if (warning is not null) Warn($"{at}: {warning}");
            if (regions.Locate(asset.Geom) is { } loc) (asset.CommunityId, asset.GridCellId) = loc;
            Accepted++;
            return asset;
        }

        private Asset? Fail(string error)
        {
            if (Errors.Count < MaxErrors) Errors.Add(error);
            return null;
        }

        private void Warn(string warning)
        {
            WarningCount++;
            if (warnings.Count < MaxWarnings) warnings.Add(warning);
        }
    }
}
