using System.Security.Claims;
using Geo.Core.Common;
using Geo.Core.Scorecard;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Core.Care;

/// <summary>A registry entry as staff send it. A household is placed by its residential building or by lon/lat;
/// its community follows from there.</summary>
public sealed record CareRecordInput(long? BuildingId, double? Lon, double? Lat, string? Category, string? Name, string? Contact,
    string? Address, string? Needs, bool? Synthetic, uint? Version);

/// <summary>Walking at the elderly pace to the nearest online service station and one-key kiosk (null: none within the cutoff).</summary>
public sealed record CareReachTimes(double? StationWalkM, double? StationMin, double? KioskWalkM, double? KioskMin, DateTimeOffset? ComputedAt);

public sealed record CareRecord(long Id, long CommunityId, string CommunityCode, string CommunityName, long? BuildingId, double Lon, double Lat,
    string Category, string Name, string Contact, string? Address, string? Needs, bool Synthetic, CareReachTimes Reach, uint Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CareRecordPage(int Total, int Limit, int Offset, List<CareRecord> Records);

/// <summary>The quick-help registry (2.1.4): elderly people living alone and severely disabled residents, kept by the
/// staff of their community. Personal fields (name, contact, address, needs) are AES-GCM ciphertext in the database
/// (<see cref="CareCipher"/>); every read and change is audited (<see cref="CareAudit"/>); scope by <see cref="CareScope"/>.
/// A change refreshes the served scorecard (2.1.4 reads the registry): once the household's walking times are stored, this
/// instance's <see cref="ScorecardProvider"/> is invalidated and the change is published on the change feed (topic
/// <see cref="FeedTopic"/>) for the other app instances, so no card computed before the change is served after it.</summary>
public sealed class CareRegistry(NpgsqlDataSource ds, CareCipher cipher, WalkingGraphProvider graphs, WalkingOptions walking, ScorecardProvider? cards = null)
{
    /// <summary>The change-feed topic of registry changes; the payload is "{instance}:{community id}" (<see cref="ScorecardProvider.InstanceId"/>).</summary>
    public const string FeedTopic = "care_registry";

    public static readonly string[] Categories = ["elderly_alone", "severely_disabled"];
    public const int MaxName = 100, MaxContact = 100, MaxAddress = 200, MaxNeeds = 1000, MaxPage = 500;

    private const string Select = """
        SELECT r.id, r.community_id, c.code, c.name, r.building_id, ST_X(r.geom), ST_Y(r.geom), r.category, r.name_enc, r.contact_enc,
               r.address_enc, r.needs_enc, r.synthetic, r.station_walk_m, r.station_min, r.kiosk_walk_m, r.kiosk_min, r.reach_at,
               r.xmin::text::bigint, r.created_at, r.updated_at
        FROM care_registry r JOIN regions c ON c.id = r.community_id
        """;

    public async Task<CareRecordPage> ListAsync(ClaimsPrincipal user, long? communityId, int limit, int offset, CancellationToken ct)
    {
        var communities = CareScope.Narrow(await CareScope.RecordCommunitiesAsync(ds, user, ct), communityId);
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        int total;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM care_registry WHERE $1::bigint[] IS NULL OR community_id = ANY($1)", conn, tx))
        {
            count.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communities ?? DBNull.Value);
            total = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        }
        var list = new List<CareRecord>();
        await using (var cmd = new NpgsqlCommand(Select + " WHERE $1::bigint[] IS NULL OR r.community_id = ANY($1) ORDER BY r.id LIMIT $2 OFFSET $3", conn, tx))
        {
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communities ?? DBNull.Value);
            cmd.Parameters.AddWithValue(limit);
            cmd.Parameters.AddWithValue(offset);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) list.Add(Read(r));
        }
        await CareAudit.WriteAsync(conn, tx, user, "list", communityId, list.Select(x => x.Id).ToList(), $"{list.Count} of {total}", ct);
        await tx.CommitAsync(ct);
        return new CareRecordPage(total, limit, offset, list);
    }

    /// <summary>Who read or changed the registry, newest first; for admins (the API enforces the policy).</summary>
    public Task<List<CareAudit.Entry>> AuditAsync(long? recordId, int limit, CancellationToken ct) => CareAudit.ListAsync(ds, recordId, limit, ct);

    public async Task<CareRecord> GetAsync(ClaimsPrincipal user, long id, CancellationToken ct)
    {
        var scope = await CareScope.RecordCommunitiesAsync(ds, user, ct);
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rec = await LoadAsync(conn, tx, id, scope, ct);
        await CareAudit.WriteAsync(conn, tx, user, "read", rec.CommunityId, [id], null, ct);
        await tx.CommitAsync(ct);
        return rec;
    }

    public async Task<CareRecord> CreateAsync(ClaimsPrincipal user, CareRecordInput input, CancellationToken ct)
    {
        var scope = await CareScope.RecordCommunitiesAsync(ds, user, ct);
        var fields = Validate(input, partial: false);
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (community, building, point) = await PlaceAsync(conn, tx, input, ct);
        if (scope is not null && !scope.Contains(community))
            throw GeoException.Forbidden("location", $"the household is in community {community}, which is not one you are staff of");
        long id;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO care_registry (community_id, building_id, geom, category, name_enc, contact_enc, address_enc, needs_enc, synthetic, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(community);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)building ?? DBNull.Value);
            cmd.Parameters.AddWithValue(point);
            cmd.Parameters.AddWithValue(fields.Category!);
            cmd.Parameters.AddWithValue(cipher.Encrypt("name", fields.Name!));
            cmd.Parameters.AddWithValue(cipher.Encrypt("contact", fields.Contact!));
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, fields.Address is null ? DBNull.Value : cipher.Encrypt("address", fields.Address));
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, fields.Needs is null ? DBNull.Value : cipher.Encrypt("needs", fields.Needs));
            cmd.Parameters.AddWithValue(input.Synthetic ?? false);
            cmd.Parameters.AddWithValue(user.Identity?.Name ?? "unknown");
            id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await CareAudit.WriteAsync(conn, tx, user, "create", community, [id], fields.Category, ct);
        await tx.CommitAsync(ct);
        await CareReach.RefreshAsync(ds, await graphs.GetAsync(ct), walking.Elderly, [community], ct);
        await ChangedAsync(conn, [community], ct);
        return await LoadAsync(conn, null, id, null, ct);
    }

    /// <summary>Changes the fields sent (others kept) under optimistic concurrency: <c>version</c> is required and a
    /// stale one is a 409 with the current version.</summary>
    public async Task<CareRecord> UpdateAsync(ClaimsPrincipal user, long id, CareRecordInput input, CancellationToken ct)
    {
        var scope = await CareScope.RecordCommunitiesAsync(ds, user, ct);
        if (input.Version is not uint version) throw GeoException.BadInput("version", "required: the version of the record you edited (from GET /api/care-registry/{id})");
        var fields = Validate(input, partial: true);
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await LoadAsync(conn, tx, id, scope, ct);
        if (current.Version != version) throw Stale(current.Version);
        var (community, building, point) = input.BuildingId is not null || input.Lon is not null || input.Lat is not null
            ? await PlaceAsync(conn, tx, input, ct)
            : (current.CommunityId, current.BuildingId, GeoFactory.Point(current.Lon, current.Lat));
        if (scope is not null && !scope.Contains(community))
            throw GeoException.Forbidden("location", $"the new place is in community {community}, which is not one you are staff of");
        await using (var cmd = new NpgsqlCommand("""
            UPDATE care_registry SET community_id = $2, building_id = $3, geom = $4, category = $5, name_enc = $6, contact_enc = $7,
                   address_enc = $8, needs_enc = $9, synthetic = $10, updated_at = now()
            WHERE id = $1 AND xmin::text::bigint = $11
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(community);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)building ?? DBNull.Value);
            cmd.Parameters.AddWithValue(point);
            cmd.Parameters.AddWithValue(fields.Category ?? current.Category);
            cmd.Parameters.AddWithValue(cipher.Encrypt("name", fields.Name ?? current.Name));
            cmd.Parameters.AddWithValue(cipher.Encrypt("contact", fields.Contact ?? current.Contact));
            var address = fields.Address ?? current.Address;
            var needs = fields.Needs ?? current.Needs;
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, address is null ? DBNull.Value : cipher.Encrypt("address", address));
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, needs is null ? DBNull.Value : cipher.Encrypt("needs", needs));
            cmd.Parameters.AddWithValue(input.Synthetic ?? current.Synthetic);
            cmd.Parameters.AddWithValue((long)version);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0) throw Stale((await LoadAsync(conn, tx, id, null, ct)).Version);
        }
        var changed = new[] { ("category", fields.Category), ("name", fields.Name), ("contact", fields.Contact), ("address", fields.Address), ("needs", fields.Needs) }
            .Where(f => f.Item2 is not null).Select(f => f.Item1).Concat(community != current.CommunityId || point.X != current.Lon || point.Y != current.Lat ? ["location"] : []);
        // the audit names the fields changed, never their values
        await CareAudit.WriteAsync(conn, tx, user, "update", community, [id], string.Join(",", changed), ct);
        await tx.CommitAsync(ct);
        await CareReach.RefreshAsync(ds, await graphs.GetAsync(ct), walking.Elderly, [community], ct);
        await ChangedAsync(conn, community == current.CommunityId ? [community] : [community, current.CommunityId], ct);
        return await LoadAsync(conn, null, id, null, ct);
    }

    public async Task DeleteAsync(ClaimsPrincipal user, long id, uint? version, CancellationToken ct)
    {
        var scope = await CareScope.RecordCommunitiesAsync(ds, user, ct);
        if (version is not uint v) throw GeoException.BadInput("version", "required: the version of the record you are deleting");
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await LoadAsync(conn, tx, id, scope, ct);
        if (current.Version != v) throw Stale(current.Version);
        await using (var cmd = new NpgsqlCommand("DELETE FROM care_registry WHERE id = $1 AND xmin::text::bigint = $2", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue((long)v);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0) throw Stale(current.Version);
        }
        await CareAudit.WriteAsync(conn, tx, user, "delete", current.CommunityId, [id], null, ct);
        await tx.CommitAsync(ct);
        await ChangedAsync(conn, [current.CommunityId], ct);
    }

    /// <summary>After a change is committed and its walking times stored (never before: a card computed in between would
    /// count the household as unreached): this instance's card is invalidated, and the feed tells the others.</summary>
    private async Task ChangedAsync(NpgsqlConnection conn, long[] communities, CancellationToken ct)
    {
        cards?.Invalidate();
        var instance = cards?.InstanceId ?? "-";
        foreach (var c in communities)
            await Live.ChangeFeed.PublishAsync(conn, null, FeedTopic, $"{instance}:{c.ToString(System.Globalization.CultureInfo.InvariantCulture)}", ct);
    }

    private async Task<CareRecord> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long id, HashSet<long>? scope, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Select + " WHERE r.id = $1", conn, tx);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        // a record outside the caller's communities is reported as absent: its existence is not disclosed
        if (!await r.ReadAsync(ct) || (scope is not null && !scope.Contains(r.GetInt64(1))))
            throw GeoException.NotFound("id", $"no registry record {id} among the communities you are staff of");
        return Read(r);
    }

    private CareRecord Read(NpgsqlDataReader r)
    {
        double? D(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
        return new CareRecord(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4),
            r.GetDouble(5), r.GetDouble(6), r.GetString(7),
            cipher.Decrypt("name", r.GetFieldValue<byte[]>(8)), cipher.Decrypt("contact", r.GetFieldValue<byte[]>(9)),
            r.IsDBNull(10) ? null : cipher.Decrypt("address", r.GetFieldValue<byte[]>(10)),
            r.IsDBNull(11) ? null : cipher.Decrypt("needs", r.GetFieldValue<byte[]>(11)), r.GetBoolean(12),
            new CareReachTimes(D(13), D(14), D(15), D(16), r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17)),
            (uint)r.GetInt64(18), r.GetFieldValue<DateTimeOffset>(19), r.GetFieldValue<DateTimeOffset>(20));
    }

    /// <summary>Community, building and point of a household: the building's when a building is named (it must be a
    /// residential building), else the community containing lon/lat.</summary>
    private static async Task<(long Community, long? Building, NetTopologySuite.Geometries.Point Point)> PlaceAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, CareRecordInput input, CancellationToken ct)
    {
        if (input.BuildingId is { } b)
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT a.community_id, ST_X(p), ST_Y(p) FROM assets a CROSS JOIN LATERAL ST_PointOnSurface(a.geom) p
                WHERE a.id = $1 AND a.kind = 'residential_building'
                """, conn, tx);
            cmd.Parameters.AddWithValue(b);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw GeoException.BadInput("building_id", $"no residential building {b}");
            if (r.IsDBNull(0)) throw GeoException.BadInput("building_id", $"building {b} lies in no community");
            return (r.GetInt64(0), b, GeoFactory.Point(r.GetDouble(1), r.GetDouble(2)));
        }
        if (input.Lon is not double lon || input.Lat is not double lat || !double.IsFinite(lon) || !double.IsFinite(lat)
            || !GeoFactory.DistrictExtent.Contains(lon, lat))
            throw GeoException.BadInput("location", "building_id, or lon and lat together inside Tongzhou (EPSG:4326)");
        var point = GeoFactory.Point(lon, lat);
        await using (var cmd = new NpgsqlCommand("""
            SELECT id FROM regions WHERE level = 'community' AND ST_Covers(geom, $1) ORDER BY id LIMIT 1
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(point);
            if (await cmd.ExecuteScalarAsync(ct) is long community) return (community, null, point);
        }
        throw GeoException.BadInput("location", $"({lon}, {lat}) lies in no community");
    }

    private sealed record Fields(string? Category, string? Name, string? Contact, string? Address, string? Needs);

    private static Fields Validate(CareRecordInput input, bool partial)
    {
        var errors = new Dictionary<string, string>();
        string? Text(string field, string? value, int max, bool required)
        {
            var v = value?.Trim();
            if (string.IsNullOrEmpty(v))
            {
                if (required) errors[field] = "required";
                return null;
            }
            if (v.Length > max) errors[field] = $"at most {max} characters";
            return v;
        }
        var category = input.Category?.Trim();
        if (category is null ? !partial : !Categories.Contains(category))
            errors["category"] = $"one of {string.Join(", ", Categories)}";
        var f = new Fields(category, Text("name", input.Name, MaxName, !partial), Text("contact", input.Contact, MaxContact, !partial),
            Text("address", input.Address, MaxAddress, false), Text("needs", input.Needs, MaxNeeds, false));
        if (errors.Count > 0) throw GeoException.Invalid(errors);
        return f;
    }

    private static GeoException Stale(uint current) =>
        GeoException.Conflict("version", "the record was changed by someone else since you loaded it; reload and retry",
            new Dictionary<string, object?> { ["current_version"] = current });
}
