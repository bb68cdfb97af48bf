using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Care;
using Geo.Core.Common;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Core.Deliveries;

public sealed record DeliveryOrderInput(long? CareRegistryId, double? Lon, double? Lat, string? Items, string? Contact, string? Address, bool? Synthetic);

public sealed record DeliveryStep(string? Action, uint? Version, string? Note);

public sealed record DeliveryProviderInput(long? AssetId, long? UserId, bool? Active);

public sealed record DeliveryProvider(long AssetId, string Name, string Kind, long UserId, bool Active);

public sealed record DeliveryDto(long Id, long ProviderId, string ProviderName, string ProviderKind, long? CommunityId, long? CareRegistryId,
    double Lon, double Lat, string Items, string Contact, string? Address, string Status, double WalkM, double WalkMin, bool Synthetic,
    DateTimeOffset OrderedAt, DateTimeOffset AcceptBy, DateTimeOffset DeliverBy, DateTimeOffset? ClosedAt, bool Overdue, uint Version, List<string> Actions,
    DateTimeOffset? EscalatedAt);

public sealed record DeliveryGap(long CommunityId, string Code, string Name, int Households, int NotReached);

public sealed record DeliveryGaps(string Profile, int Minutes, int Providers, List<DeliveryGap> Communities);

/// <summary>Deliveries for elderly and disabled residents (2.1.3): an order goes to the nearest active provider (vegetable
/// garden, shop, service station) within a 15-minute walk at the elderly pace on the walking network; the provider works it
/// through <see cref="DeliveryWorkflow"/> under optimistic concurrency (xmin, like incidents); every step is an event.</summary>
public sealed class DeliveryOrders(NpgsqlDataSource ds, CareCipher cipher, WalkingGraphProvider graphs, WalkingOptions walking)
{
    public const int ReachMinutes = 15, MaxItems = 500, MaxContact = 100, MaxAddress = 200, MaxNote = 1000;
    public static readonly string[] ProviderKinds = ["vegetable_garden", "shop", "service_station"];

    private const string Select = """
        SELECT d.id, d.provider_id, a.name, a.kind, d.community_id, d.care_registry_id, ST_X(d.geom), ST_Y(d.geom), d.items, d.contact_enc, d.address_enc,
               d.status, d.walk_m, d.walk_min, d.synthetic, d.ordered_at, d.accept_by, d.deliver_by, d.closed_at, d.xmin::text::bigint,
               p.user_id, d.orderer_user_id, d.escalated_at
        FROM deliveries d JOIN delivery_providers p ON p.asset_id = d.provider_id JOIN assets a ON a.id = d.provider_id
        """;

    public async Task<DeliveryProvider> RegisterProviderAsync(DeliveryProviderInput input, CancellationToken ct)
    {
        if (input.AssetId is not long asset) throw GeoException.BadInput("asset_id", "required: the garden, shop or service station that delivers");
        if (input.UserId is not long user) throw GeoException.BadInput("user_id", "required: the account that works the provider's orders");
        await using var cmd = ds.CreateCommand("""
            INSERT INTO delivery_providers (asset_id, user_id, active)
            SELECT a.id, u.id, $3 FROM assets a, users u WHERE a.id = $1 AND a.kind = ANY($4) AND u.id = $2
            ON CONFLICT (asset_id) DO UPDATE SET user_id = EXCLUDED.user_id, active = EXCLUDED.active
            RETURNING asset_id, (SELECT name FROM assets WHERE id = $1), (SELECT kind FROM assets WHERE id = $1), user_id, active
            """);
        cmd.Parameters.AddWithValue(asset);
        cmd.Parameters.AddWithValue(user);
        cmd.Parameters.AddWithValue(input.Active ?? true);
        cmd.Parameters.AddWithValue(ProviderKinds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw GeoException.BadInput("asset_id", $"asset {asset} is not a {string.Join("/", ProviderKinds)}, or user {user} does not exist");
        return new DeliveryProvider(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetBoolean(4));
    }

    public async Task<DeliveryDto> OrderAsync(ClaimsPrincipal user, DeliveryOrderInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        var items = input.Items?.Trim();
        if (string.IsNullOrEmpty(items) || items.Length > MaxItems) errors["items"] = $"required, at most {MaxItems} characters";
        if (input.Contact is { Length: > MaxContact }) errors["contact"] = $"at most {MaxContact} characters";
        if (input.Address is { Length: > MaxAddress }) errors["address"] = $"at most {MaxAddress} characters";
        if (errors.Count > 0) throw GeoException.Invalid(errors);

        double lon, lat;
        var synthetic = input.Synthetic ?? false;
        var contact = input.Contact?.Trim();
        var address = input.Address?.Trim();
        if (input.CareRegistryId is long careId)
        {
            // staff on behalf of a registered resident: the registry's scope and audit apply
            CareRecord rec;
            try { rec = await new CareRegistry(ds, cipher, graphs, walking).GetAsync(user, careId, ct); }
            catch (GeoException e) when (e.Kind is GeoErrorKind.NotFound or GeoErrorKind.Forbidden)
            {
                // the registry names its path's id (or itself); here the household is the body's care_registry_id
                throw new GeoException(e.Kind, "care_registry_id", e.Message);
            }
            (lon, lat) = (rec.Lon, rec.Lat);
            synthetic |= rec.Synthetic; // an order for a synthetic (demo) household is demo data too
            contact ??= rec.Contact;
            address ??= rec.Address;
        }
        else if (input.Lon is double x && input.Lat is double y && double.IsFinite(x) && double.IsFinite(y) && GeoFactory.DistrictExtent.Contains(x, y))
            (lon, lat) = (x, y);
        else throw GeoException.BadInput("location", "care_registry_id, or lon and lat together inside Tongzhou (EPSG:4326)");
        if (string.IsNullOrEmpty(contact)) throw GeoException.BadInput("contact", "required: how the provider reaches the resident");

        var (provider, walkM) = await NearestProviderAsync(lon, lat, ct)
            ?? throw GeoException.Unprocessable("location", $"no delivering provider within a {ReachMinutes}-minute walk at the elderly pace of ({lon}, {lat})");
        var now = DateTimeOffset.UtcNow;
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long id;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO deliveries (provider_id, community_id, care_registry_id, geom, items, contact_enc, address_enc, status, walk_m, walk_min,
                                    orderer, orderer_user_id, orderer_role, synthetic, ordered_at, accept_by, deliver_by, updated_at)
            VALUES ($1, (SELECT id FROM regions WHERE level = 'community' AND ST_Covers(geom, $3) ORDER BY id LIMIT 1), $2, $3, $4, $5, $6, 'ordered',
                    $7, $8, $9, $10, $11, $12, $13, $14, $15, $13)
            RETURNING id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(provider);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)input.CareRegistryId ?? DBNull.Value);
            cmd.Parameters.AddWithValue(GeoFactory.Point(lon, lat));
            cmd.Parameters.AddWithValue(items!);
            cmd.Parameters.AddWithValue(cipher.Encrypt("delivery.contact", contact));
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bytea, string.IsNullOrEmpty(address) ? DBNull.Value : cipher.Encrypt("delivery.address", address));
            cmd.Parameters.AddWithValue(Math.Round(walkM, 1));
            cmd.Parameters.AddWithValue(Math.Round(walkM / walking.Elderly.MetresPerMinute, 2));
            cmd.Parameters.AddWithValue(user.Identity?.Name ?? "unknown");
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)GeoClaims.UserId(user) ?? DBNull.Value);
            cmd.Parameters.AddWithValue(GeoClaims.Role(user) ?? "");
            cmd.Parameters.AddWithValue(synthetic);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(now + DeliveryWorkflow.AcceptWithin);
            cmd.Parameters.AddWithValue(now + DeliveryWorkflow.DeliverWithin);
            id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await EventAsync(conn, tx, id, "order", null, "ordered", user, null, ct);
        await tx.CommitAsync(ct);
        return await GetAsync(user, id, ct);
    }

    /// <summary>The nearest active provider (by walking metres) within <see cref="ReachMinutes"/> at the elderly pace, or null.</summary>
    public async Task<(long Provider, double WalkM)?> NearestProviderAsync(double lon, double lat, CancellationToken ct)
    {
        var g = await graphs.GetAsync(ct);
        var cutoff = walking.Elderly.MetresPerMinute * ReachMinutes;
        if (g.SnapPoint(lon, lat, LifeCircleAnalysis.MaxSnapM) is not { } origin) return null;
        using var reach = g.Run(g.Seeds(origin), cutoff);
        var (kx, ky) = Geodesy.MetresPerDegree(lat);
        await using var cmd = ds.CreateCommand("""
            SELECT p.asset_id, ST_X(c), ST_Y(c) FROM delivery_providers p JOIN assets a ON a.id = p.asset_id CROSS JOIN LATERAL ST_PointOnSurface(a.geom) c
            WHERE p.active AND a.status = 'online' AND a.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
            """);
        cmd.Parameters.AddWithValue(lon - cutoff / kx);
        cmd.Parameters.AddWithValue(lat - cutoff / ky);
        cmd.Parameters.AddWithValue(lon + cutoff / kx);
        cmd.Parameters.AddWithValue(lat + cutoff / ky);
        (long, double)? best = null;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (g.SnapPoint(r.GetDouble(1), r.GetDouble(2), LifeCircleAnalysis.MaxSnapM) is not { } dest) continue;
            var walk = g.CostTo(reach, origin, dest);
            if (walk <= cutoff && (best is null || walk < best.Value.Item2)) best = (r.GetInt64(0), walk);
        }
        return best;
    }

    /// <summary>Orders the caller takes part in (provider's own view with <paramref name="asProvider"/>), newest first.</summary>
    public async Task<List<DeliveryDto>> ListAsync(ClaimsPrincipal user, bool asProvider, string? status, int limit, CancellationToken ct)
    {
        if (status is not null && !DeliveryWorkflow.Statuses.Contains(status))
            throw GeoException.BadInput("status", $"one of {string.Join(", ", DeliveryWorkflow.Statuses)}");
        var (where, communities) = await VisibleAsync(user, asProvider, ct);
        await using var cmd = ds.CreateCommand(Select + $" WHERE ({where}) AND ($4::text IS NULL OR d.status = $4) ORDER BY d.id DESC LIMIT $5");
        AddScope(cmd, user, communities);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)status ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<DeliveryDto>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r, user, communities));
        return list;
    }

    public async Task<DeliveryDto> GetAsync(ClaimsPrincipal user, long id, CancellationToken ct)
    {
        var (where, communities) = await VisibleAsync(user, false, ct);
        await using var cmd = ds.CreateCommand(Select + $" WHERE ({where}) AND d.id = $4");
        AddScope(cmd, user, communities);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw GeoException.NotFound("id", $"no delivery {id} among the orders you take part in");
        return Read(r, user, communities);
    }

    public async Task<DeliveryDto> StepAsync(ClaimsPrincipal user, long id, DeliveryStep step, CancellationToken ct)
    {
        if (step.Action is not { } action || !DeliveryWorkflow.Actions.Contains(action))
            throw GeoException.BadInput("action", $"one of {string.Join(", ", DeliveryWorkflow.Actions)}");
        if (step.Version is not uint version) throw GeoException.BadInput("version", "required: the version of the order you acted on");
        if (step.Note is { Length: > MaxNote }) throw GeoException.BadInput("note", $"at most {MaxNote} characters");
        var current = await GetAsync(user, id, ct);
        if (current.Version != version) throw Stale(current.Version, current.Status);
        var next = DeliveryWorkflow.Next(current.Status, action)
            ?? throw GeoException.Conflict("action", $"cannot {action} an order that is {current.Status}",
                new Dictionary<string, object?> { ["status"] = current.Status, ["current_version"] = current.Version });
        if (!current.Actions.Contains(action)) throw GeoException.Forbidden("action", $"you may not {action} this order");
        var now = DateTimeOffset.UtcNow;
        if (action == "accept" && now > current.AcceptBy)
            throw GeoException.Conflict("action", $"the order expired at {current.AcceptBy:u} without being accepted; it can only be cancelled",
                new Dictionary<string, object?> { ["status"] = current.Status, ["current_version"] = current.Version });
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            UPDATE deliveries SET status = $3, updated_at = $4, closed_at = CASE WHEN $3 IN ('delivered', 'cancelled') THEN $4 END
            WHERE id = $1 AND xmin::text::bigint = $2
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue((long)version);
            cmd.Parameters.AddWithValue(next);
            cmd.Parameters.AddWithValue(now);
            // someone else moved it between our read and our write: their step stands
            if (await cmd.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                var fresh = await GetAsync(user, id, ct);
                throw Stale(fresh.Version, fresh.Status);
            }
        }
        await EventAsync(conn, tx, id, action, current.Status, next, user, step.Note, ct);
        await tx.CommitAsync(ct);
        return await GetAsync(user, id, ct);
    }

    /// <summary>Communities where registered residents (the care registry) have no active provider within a 15-minute walk at
    /// the elderly pace: counts only, no person. For planners.</summary>
    public Task<DeliveryGaps> GapsAsync(CancellationToken ct) => GapsAsync(ds, graphs, walking, ct);

    /// <summary>The gaps without a caller: the scorecard's 2.1.3 reads the same figures.</summary>
    public static async Task<DeliveryGaps> GapsAsync(NpgsqlDataSource ds, WalkingGraphProvider graphs, WalkingOptions walking, CancellationToken ct)
    {
        var g = await graphs.GetAsync(ct);
        var cutoff = walking.Elderly.MetresPerMinute * ReachMinutes;
        var providers = new List<Snap>();
        await using (var cmd = ds.CreateCommand("""
            SELECT ST_X(c), ST_Y(c) FROM delivery_providers p JOIN assets a ON a.id = p.asset_id CROSS JOIN LATERAL ST_PointOnSurface(a.geom) c
            WHERE p.active AND a.status = 'online'
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                if (g.SnapPoint(r.GetDouble(0), r.GetDouble(1), LifeCircleAnalysis.MaxSnapM) is { } s) providers.Add(s);
        var households = new List<(long Community, string Code, string Name, double Lon, double Lat)>();
        await using (var cmd = ds.CreateCommand("SELECT c.id, c.code, c.name, ST_X(r.geom), ST_Y(r.geom) FROM care_registry r JOIN regions c ON c.id = r.community_id"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) households.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetDouble(4)));
        var walkM = g.EdgeCount == 0 ? [.. households.Select(_ => double.PositiveInfinity)]
            : LifeCircleAnalysis.NearestTarget(g, g.Reversed(), [.. households.Select(h => g.SnapPoint(h.Lon, h.Lat, LifeCircleAnalysis.MaxSnapM))], providers, cutoff);
        var gaps = households.Select((h, i) => (h, reached: double.IsFinite(walkM[i])))
            .GroupBy(x => (x.h.Community, x.h.Code, x.h.Name))
            .Select(grp => new DeliveryGap(grp.Key.Community, grp.Key.Code, grp.Key.Name, grp.Count(), grp.Count(x => !x.reached)))
            .Where(x => x.NotReached > 0).OrderByDescending(x => x.NotReached).ThenBy(x => x.Code).ToList();
        return new DeliveryGaps(walking.Elderly.Name, ReachMinutes, providers.Count, gaps);
    }

    /// <summary>SQL predicate of the orders a principal takes part in ($1 user id, $2 managed communities, $3 all).</summary>
    private async Task<(string Where, HashSet<long>? Communities)> VisibleAsync(ClaimsPrincipal user, bool asProvider, CancellationToken ct)
    {
        if (asProvider) return ("p.user_id = $1", null);
        HashSet<long>? communities = user.IsInRole(GeoRoles.GridManager) ? await CareScopeCommunities(user, ct) : null;
        return ("p.user_id = $1 OR d.orderer_user_id = $1 OR d.community_id = ANY($2) OR $3", communities);
    }

    private async Task<HashSet<long>> CareScopeCommunities(ClaimsPrincipal user, CancellationToken ct) =>
        await CareScope.RecordCommunitiesAsync(ds, user, ct) ?? [];

    private static void AddScope(NpgsqlCommand cmd, ClaimsPrincipal user, HashSet<long>? communities)
    {
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)GeoClaims.UserId(user) ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communities?.ToArray() ?? DBNull.Value);
        cmd.Parameters.AddWithValue(user.IsInRole(GeoRoles.Admin) || user.IsInRole(GeoRoles.Planner));
    }

    private DeliveryDto Read(NpgsqlDataReader r, ClaimsPrincipal user, HashSet<long>? communities)
    {
        var me = GeoClaims.UserId(user);
        var community = r.IsDBNull(4) ? (long?)null : r.GetInt64(4);
        var part = new DeliveryWorkflow.Part(
            Provider: me is not null && r.GetInt64(20) == me,
            Orderer: me is not null && !r.IsDBNull(21) && r.GetInt64(21) == me,
            Staff: user.IsInRole(GeoRoles.Admin) || user.IsInRole(GeoRoles.Planner) || (community is { } c && communities?.Contains(c) == true));
        var status = r.GetString(11);
        var acceptBy = r.GetFieldValue<DateTimeOffset>(16);
        var deliverBy = r.GetFieldValue<DateTimeOffset>(17);
        var now = DateTimeOffset.UtcNow;
        var overdue = (status == "ordered" && now > acceptBy) || (status is "accepted" or "out" && now > deliverBy);
        return new DeliveryDto(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), community, r.IsDBNull(5) ? null : r.GetInt64(5),
            r.GetDouble(6), r.GetDouble(7), r.GetString(8), cipher.Decrypt("delivery.contact", r.GetFieldValue<byte[]>(9)),
            r.IsDBNull(10) ? null : cipher.Decrypt("delivery.address", r.GetFieldValue<byte[]>(10)), status, r.GetDouble(12), r.GetDouble(13),
            r.GetBoolean(14), r.GetFieldValue<DateTimeOffset>(15), acceptBy, deliverBy, r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
            overdue, (uint)r.GetInt64(19), DeliveryWorkflow.ActionsFor(status, part), r.IsDBNull(22) ? null : r.GetFieldValue<DateTimeOffset>(22));
    }

    private static async Task EventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string action, string? from, string to, ClaimsPrincipal user, string? note, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO delivery_events (delivery_id, action, from_status, to_status, actor, actor_role, note) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, conn, tx);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)from ?? DBNull.Value);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(user.Identity?.Name ?? "unknown");
        cmd.Parameters.AddWithValue(GeoClaims.Role(user) ?? "");
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)note ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static GeoException Stale(uint current, string status) =>
        GeoException.Conflict("version", "the order was changed by someone else since you loaded it; reload and retry",
            new Dictionary<string, object?> { ["current_version"] = current, ["status"] = status });
}
