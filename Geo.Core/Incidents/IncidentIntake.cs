using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Incidents;

public sealed record IncidentReport(
    string Category, double Lon, double Lat, string Description, IncidentSource Source,
    string Actor, string ActorRole, long? ReporterUserId = null, string? ReporterContact = null, IReadOnlyList<IncidentPhoto>? Photos = null,
    string? AddressString = null, string? MediaUrl = null);

/// <summary>How a case enters the system, shared by the incidents API, Open311 and staff reports:
/// validate, locate to community and grid cell, assign the cell's grid manager, set the deadline on
/// the working-day calendar, write the case and its first audit event (and its photos, up to
/// <see cref="IncidentPhotos.MaxPhotos"/>, checked and stripped of metadata by <see cref="IncidentPhotos"/>) in one statement, one commit:
/// a case never exists without its photos, nor photos without their case.</summary>
/// <remarks>Why one statement: a report used to cost four round trips and an EF change-tracking pass (category,
/// location against every region level including the full district outline, the whole calendar, then the INSERTs
/// in an explicit transaction). Categories and the calendar now come from memory (<see cref="IntakeReference"/>),
/// and locating, the case, its event and its photo are one INSERT … WITH statement: one round trip, one commit.
/// Locating uses the grid-cell index alone: a point in a grid cell is inside the district (cells tile communities,
/// communities tile the district), so the district outline is tested only for the rare point in no cell.</remarks>
public sealed class IncidentIntake(IDbContextFactory<GeoDbContext> dbs)
{
    public const int MaxDescription = 2000;
    public const int MaxAddress = 500;
    public const int MaxMediaUrl = 2000;

    /// <summary>Raised by sensors only (<see cref="SensorIntake"/>): never filed by a person or a client, so a
    /// report cannot fake an alarm or learn that the category exists.</summary>
    public const string SensorAlarmCategory = "sensor_alarm";

    // the category must be offered at the point (ReportCategories' rule, in the same statement): no row when it is not
    private static readonly string Insert = $"""
        WITH cell AS (
            SELECT id, parent_id, grid_manager FROM regions
            WHERE level = 'grid_cell' AND ST_Intersects(geom, $1) ORDER BY id LIMIT 1),
        elsewhere AS (
            -- only when no cell holds the point: the community (if any) and whether it is in the district at all
            SELECT (SELECT id FROM regions WHERE level = 'community' AND ST_Intersects(geom, $1) ORDER BY id LIMIT 1) AS community,
                   EXISTS (SELECT 1 FROM regions WHERE level = 'district' AND ST_Intersects(geom, $1)) AS inside
            WHERE NOT EXISTS (SELECT 1 FROM cell)),
        loc AS (
            SELECT parent_id AS community, id AS cell, grid_manager FROM cell
            UNION ALL SELECT community, NULL, NULL FROM elsewhere WHERE inside),
        ins AS (
            INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, assignee, source,
                                   reporter_user_id, reporter_contact, reported_at, updated_at, deadline_at, address_string, media_url)
            SELECT $2, 'reported', $3, $1, loc.community, loc.cell, loc.grid_manager, $4, $5, $6, $7, $7, $8, $11, $12 FROM loc
            WHERE EXISTS (SELECT 1 FROM incident_categories c WHERE c.code = $2 AND {ReportCategories.OfferedAt("$1")})
            RETURNING id, xmin, community_id, grid_cell_id, assignee),
        ev AS (
            INSERT INTO incident_events (incident_id, action, to_status, actor, actor_role, at, geom)
            SELECT id, 'report', 'reported', $9, $10, $7, $1 FROM ins)
        """;

    // no photos: empty arrays, nothing inserted
    private const string WithPhotos = """
        , ph AS (INSERT INTO incident_photos (incident_id, position, content_type, data)
                 SELECT ins.id, p.position, p.content_type, p.data FROM ins,
                        unnest($13::text[], $14::bytea[]) WITH ORDINALITY AS p(content_type, data, position))
        """;

    // the key's row is written by the same statement: a second report with the key fails on its primary key (after
    // waiting for the first to commit or roll back) and nothing of it is written
    private const string WithKey = """
        , idem AS (INSERT INTO incident_idempotency (key, request_hash, incident_id) SELECT $15, $16, id FROM ins)
        """;

    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKey = 255;

    /// <summary>Writes the case once per <paramref name="idempotencyKey"/> (per reporter): a retry of the same report
    /// returns the case the first one wrote (<c>Replayed</c>); the key reused for a different report is a 422.</summary>
    public async Task<(Incident Incident, bool Replayed)> ReportOnceAsync(
        IncidentReport r, string? idempotencyKey, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (idempotencyKey is null) return (await ReportAsync(db, r, now, ct, null), false);
        if (idempotencyKey.Length is 0 or > MaxIdempotencyKey || idempotencyKey.Any(c => c is < '!' or > '~'))
            throw GeoException.BadInput(IdempotencyHeader, $"1–{MaxIdempotencyKey} visible ASCII characters (a UUID is a good key)");
        var key = Sha256($"{r.Actor}\n{r.ReporterUserId}\n{idempotencyKey}");
        var hash = Sha256(string.Join('\n', r.Category, r.Lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            r.Lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture), r.Description?.Trim(), r.ReporterContact, r.AddressString, r.MediaUrl,
            string.Join(',', (r.Photos ?? []).Select(p => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(p.Data))))));
        // a new key (the common case) costs nothing more than the report's own statement; a known one fails it on the
        // key's primary key (once the first report has committed) and is looked up
        (long IncidentId, byte[] Hash)? existing;
        try
        {
            return (await ReportAsync(db, r, now, ct, (key, hash)), false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.TableName == "incident_idempotency")
        {
            existing = await FindAsync(db, key, ct);
        }
        if (existing is not { } found) throw GeoException.Conflict(IdempotencyHeader, "the report with this key is still being written; retry");
        if (!found.Hash.AsSpan().SequenceEqual(hash))
            throw GeoException.Unprocessable(IdempotencyHeader, "this key was already used for a different report");
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == found.IncidentId, ct);
        return (incident, true);
    }

    private static byte[] Sha256(string s) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s));

    private static async Task<(long IncidentId, byte[] Hash)?> FindAsync(GeoDbContext db, byte[] key, CancellationToken ct)
    {
        var opened = db.Database.GetDbConnection().State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT incident_id, request_hash FROM incident_idempotency WHERE key = $1", (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            cmd.Parameters.AddWithValue(key);
            await using var rd = await cmd.ExecuteReaderAsync(ct);
            return await rd.ReadAsync(ct) ? (rd.GetInt64(0), rd.GetFieldValue<byte[]>(1)) : null;
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Writes the case or throws <see cref="GeoException"/> (bad input, naming the field) before anything is written.</summary>
    public async Task<Incident> ReportAsync(IncidentReport r, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await ReportAsync(db, r, now, ct, null);
    }

    private static async Task<Incident> ReportAsync(
        GeoDbContext db, IncidentReport r, DateTimeOffset now, CancellationToken ct, (byte[] Key, byte[] Hash)? idempotency)
    {
        var description = r.Description?.Trim() ?? "";
        if (description.Length is 0 or > MaxDescription)
            throw GeoException.BadInput("description", $"must be 1–{MaxDescription} characters");
        if (!double.IsFinite(r.Lon) || !double.IsFinite(r.Lat))
            throw GeoException.BadInput("location", "lon and lat must be numbers");
        if (!GeoFactory.DistrictExtent.Contains(r.Lon, r.Lat)) throw Outside(r);
        var address = string.IsNullOrWhiteSpace(r.AddressString) ? null : r.AddressString.Trim();
        if (address?.Length > MaxAddress) throw GeoException.BadInput("address_string", $"must be at most {MaxAddress} characters");
        var media = string.IsNullOrWhiteSpace(r.MediaUrl) ? null : r.MediaUrl.Trim();
        if (media is not null && (media.Length > MaxMediaUrl || !Uri.TryCreate(media, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            throw GeoException.BadInput("media_url", $"must be an absolute http(s) URL of at most {MaxMediaUrl} characters");
        var photos = r.Photos ?? [];
        if (photos.Count > IncidentPhotos.MaxPhotos)
            throw GeoException.BadInput("photos", $"at most {IncidentPhotos.MaxPhotos} photos per report, got {photos.Count}");

        var opened = db.Database.GetDbConnection().State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var reference = await IntakeReference.GetAsync(conn, ct: ct);
            // sensor alarms are raised by sensors only: to a report the category does not exist
            if (r.Category == SensorAlarmCategory || !reference.Categories.TryGetValue(r.Category ?? "", out var category))
            {
                reference = await IntakeReference.GetAsync(conn, refresh: true, ct);
                if (r.Category == SensorAlarmCategory || !reference.Categories.TryGetValue(r.Category ?? "", out category))
                    throw GeoException.BadInput("category", $"unknown category '{r.Category}'; expected one of {string.Join(", ", reference.Categories.Keys.Where(k => k != SensorAlarmCategory).Order(StringComparer.Ordinal))}");
            }

            var p = GeoFactory.Point(r.Lon, r.Lat);
            var deadline = reference.Calendar.AddWorkingHours(now, category.TimeLimitHours);
            await using var cmd = new NpgsqlCommand(Insert + WithPhotos + (idempotency is null ? "" : WithKey) + "SELECT id, xmin, community_id, grid_cell_id, assignee FROM ins", conn);
            cmd.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            cmd.Parameters.Add(new NpgsqlParameter { Value = p, NpgsqlDbType = NpgsqlDbType.Geometry });
            cmd.Parameters.AddWithValue(category.Code);
            cmd.Parameters.AddWithValue(description);
            cmd.Parameters.AddWithValue(r.Source.Code());
            cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)r.ReporterUserId ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)r.ReporterContact ?? DBNull.Value);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(deadline);
            cmd.Parameters.AddWithValue(r.Actor);
            cmd.Parameters.AddWithValue(r.ActorRole);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)address ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)media ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, photos.Select(ph => ph.ContentType).ToArray());
            cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bytea, photos.Select(ph => ph.Data).ToArray());
            if (idempotency is { } k)
            {
                cmd.Parameters.AddWithValue(k.Key);
                cmd.Parameters.AddWithValue(k.Hash);
            }
            await using var rd = await cmd.ExecuteReaderAsync(ct);
            if (!await rd.ReadAsync(ct))
            {
                await rd.DisposeAsync();
                throw await WhyNotAsync(conn, cmd.Transaction, r, p, category.Code, ct);
            }
            var incident = new Incident
            {
                Id = rd.GetInt64(0),
                Version = rd.GetFieldValue<uint>(1),
                CategoryCode = category.Code,
                Status = IncidentStatus.Reported,
                Description = description,
                Geom = p,
                CommunityId = rd.IsDBNull(2) ? null : rd.GetInt64(2),
                GridCellId = rd.IsDBNull(3) ? null : rd.GetInt64(3),
                Assignee = rd.IsDBNull(4) ? null : rd.GetString(4),
                Source = r.Source,
                ReporterUserId = r.ReporterUserId,
                ReporterContact = r.ReporterContact,
                AddressString = address,
                MediaUrl = media,
                ReportedAt = now,
                UpdatedAt = now,
                DeadlineAt = deadline,
            };
            incident.Photos = photos.Select((ph, i) => new IncidentPhoto { IncidentId = incident.Id, Position = (short)(i + 1), ContentType = ph.ContentType, Data = ph.Data }).ToList();
            return incident;
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Nothing was written: the point is outside the district, or the category is not offered there (said with
    /// the categories that are). Only failed reports pay for this second query.</summary>
    private static async Task<GeoException> WhyNotAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IncidentReport r, NetTopologySuite.Geometries.Point p, string code, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT EXISTS (SELECT 1 FROM regions WHERE level IN ('district', 'grid_cell') AND ST_Intersects(geom, $1)),
                   ARRAY(SELECT c.code FROM incident_categories c WHERE {ReportCategories.OfferedAt("$1")} ORDER BY c.code)
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = p, NpgsqlDbType = NpgsqlDbType.Geometry });
        await using var rd = await cmd.ExecuteReaderAsync(ct);
        await rd.ReadAsync(ct);
        if (!rd.GetBoolean(0)) return Outside(r);
        return GeoException.BadInput("category", $"'{code}' is not offered at ({r.Lon}, {r.Lat}); offered there: {string.Join(", ", rd.GetFieldValue<string[]>(1))}");
    }

    private static GeoException Outside(IncidentReport r) =>
        GeoException.BadInput("location", $"({r.Lon}, {r.Lat}) is outside Tongzhou district (lon, lat in EPSG:4326)");

    /// <summary>The working-day calendar (from memory; see <see cref="IntakeReference"/>).</summary>
    public static async Task<WorkingCalendar> LoadCalendarAsync(GeoDbContext db, CancellationToken ct)
    {
        var opened = db.Database.GetDbConnection().State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try { return (await IntakeReference.GetAsync((NpgsqlConnection)db.Database.GetDbConnection(), ct: ct)).Calendar; }
        finally { if (opened) await db.Database.CloseConnectionAsync(); }
    }
}
