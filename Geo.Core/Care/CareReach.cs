using System.Security.Claims;
using Geo.Core.Common;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Core.Care;

public sealed record CareShares(double Within5, double Within10, double Within15);

/// <param name="SyntheticHouseholds">how many of <paramref name="Households"/> are synthetic (demo data)</param>
public sealed record CareCommunityReach(long CommunityId, string Code, string Name, int Households, CareShares Station, CareShares Kiosk,
    CareShares Either, int NotReached, int SyntheticHouseholds);

/// <param name="By">what "reached" means in <c>not_reached</c>: station, kiosk or either within 15 minutes</param>
public sealed record CareReachReport(string Profile, double SpeedKmh, string By, int NetworkEdges, DateTimeOffset ComputedAt, List<CareCommunityReach> Communities);

public sealed record CareUnreached(long Id, long CommunityId, string CommunityCode, string Category, string Name, string Contact, string? Address,
    double Lon, double Lat, double? StationMin, double? KioskMin, bool Synthetic);

public sealed record CareUnreachedList(string By, int Minutes, List<CareUnreached> Households);

/// <summary>One export row: no name, contact, address or needs, and no household point (the building id places it).</summary>
public sealed record CareExportRow(long Id, string CommunityCode, long? BuildingId, string Category, bool Synthetic, double? StationMin, double? KioskMin);

/// <summary>Walking from each registered household to the nearest online service station and one-key kiosk on the walking
/// network, at the elderly pace (<see cref="WalkingOptions.Elderly"/>): two backward searches from all stations and all kiosks
/// at once (<see cref="LifeCircleAnalysis.NearestTarget"/>), not one per household. Results are stored on the rows
/// (the scorecard's 2.1.4 reads them) and recomputed whenever a report is asked for, so moved stations count at once.</summary>
public sealed class CareReach(NpgsqlDataSource ds, CareCipher cipher, WalkingGraphProvider graphs, WalkingOptions walking)
{
    public const int CutoffMinutes = 30;
    public static readonly int[] Bands = [5, 10, 15];
    public static readonly string[] ByOptions = ["station", "kiosk", "either"];

    /// <summary>Recomputes the stored times of the households of <paramref name="communities"/> (null: all). Returns how many.
    /// Only rows whose times changed are written (<c>reach_at</c>: when they were last computed to a new value), so reading a
    /// report does not change a record's version under a staff member who is editing it (no spurious 409).</summary>
    public static async Task<int> RefreshAsync(NpgsqlDataSource ds, WalkingGraph g, WalkingProfile pace, long[]? communities, CancellationToken ct)
    {
        var ids = new List<long>();
        var points = new List<(double Lon, double Lat)>();
        await using (var cmd = ds.CreateCommand("SELECT id, ST_X(geom), ST_Y(geom) FROM care_registry WHERE $1::bigint[] IS NULL OR community_id = ANY($1)"))
        {
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communities ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                ids.Add(r.GetInt64(0));
                points.Add((r.GetDouble(1), r.GetDouble(2)));
            }
        }
        if (ids.Count == 0) return 0;
        var cutoffM = pace.MetresPerMinute * CutoffMinutes;
        var station = new double[ids.Count];
        var kiosk = new double[ids.Count];
        Array.Fill(station, double.PositiveInfinity);
        Array.Fill(kiosk, double.PositiveInfinity);
        if (g.EdgeCount > 0)
        {
            // walking distance is never shorter than the straight line: services beyond the households' box + cutoff cannot win
            var (kx, ky) = Geodesy.MetresPerDegree(points.Average(p => p.Lat));
            var stations = new List<Snap>();
            var kiosks = new List<Snap>();
            await using (var cmd = ds.CreateCommand("""
                SELECT kind, ST_X(p), ST_Y(p) FROM (SELECT kind, ST_PointOnSurface(geom) AS p FROM assets
                WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND kind IN ('service_station', 'kiosk') AND status = 'online') a
                """))
            {
                cmd.Parameters.AddWithValue(points.Min(p => p.Lon) - cutoffM / kx);
                cmd.Parameters.AddWithValue(points.Min(p => p.Lat) - cutoffM / ky);
                cmd.Parameters.AddWithValue(points.Max(p => p.Lon) + cutoffM / kx);
                cmd.Parameters.AddWithValue(points.Max(p => p.Lat) + cutoffM / ky);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    if (g.SnapPoint(r.GetDouble(1), r.GetDouble(2), LifeCircleAnalysis.MaxSnapM) is { } s)
                        (r.GetString(0) == "kiosk" ? kiosks : stations).Add(s);
                }
            }
            var origins = points.Select(p => g.SnapPoint(p.Lon, p.Lat, LifeCircleAnalysis.MaxSnapM)).ToArray();
            var reversed = g.Reversed();
            station = LifeCircleAnalysis.NearestTarget(g, reversed, origins, stations, cutoffM);
            kiosk = LifeCircleAnalysis.NearestTarget(g, reversed, origins, kiosks, cutoffM);
        }
        static double?[] M(double[] a) => [.. a.Select(v => double.IsFinite(v) ? Math.Round(v, 1) : (double?)null)];
        double?[] Min(double[] a) => [.. a.Select(v => double.IsFinite(v) ? Math.Round(v / pace.MetresPerMinute, 2) : (double?)null)];
        await using (var cmd = ds.CreateCommand("""
            UPDATE care_registry r SET station_walk_m = u.sm, station_min = u.smin, kiosk_walk_m = u.km, kiosk_min = u.kmin, reach_at = now()
            FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[], $5::float8[]) AS u(id, sm, smin, km, kmin)
            WHERE r.id = u.id AND (r.reach_at IS NULL OR r.station_walk_m IS DISTINCT FROM u.sm OR r.station_min IS DISTINCT FROM u.smin
                                   OR r.kiosk_walk_m IS DISTINCT FROM u.km OR r.kiosk_min IS DISTINCT FROM u.kmin)
            """))
        {
            cmd.Parameters.AddWithValue(ids.ToArray());
            cmd.Parameters.AddWithValue(M(station));
            cmd.Parameters.AddWithValue(Min(station));
            cmd.Parameters.AddWithValue(M(kiosk));
            cmd.Parameters.AddWithValue(Min(kiosk));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return ids.Count;
    }

    public static string ParseBy(string? by) =>
        by is null ? "station" : ByOptions.Contains(by) ? by : throw GeoException.BadInput("by", $"one of {string.Join(", ", ByOptions)}");

    /// <summary>SQL test of "reached within <c>$m</c> minutes" for each <see cref="ByOptions"/> value (a fixed list, never user text).</summary>
    private static string ReachedSql(string by, string minutes) => by switch
    {
        "kiosk" => $"(kiosk_min <= {minutes})",
        "either" => $"(station_min <= {minutes} OR kiosk_min <= {minutes})",
        _ => $"(station_min <= {minutes})",
    };

    /// <summary>Shares within 5/10/15 minutes per community (no person in it: planners may read it too). Audited.</summary>
    public async Task<CareReachReport> ReportAsync(ClaimsPrincipal user, long? communityId, string by, CancellationToken ct)
    {
        var communities = CareScope.Narrow(await CareScope.AggregateCommunitiesAsync(ds, user, ct), communityId);
        var g = await graphs.GetAsync(ct);
        await RefreshAsync(ds, g, walking.Elderly, communities, ct);
        string Share(string sql) => $"coalesce(avg(CASE WHEN {sql} THEN 1.0 ELSE 0.0 END), 0)::float8";
        var columns = string.Join(", ", new[] { "station", "kiosk", "either" }.SelectMany(k => Bands.Select(b => Share(ReachedSql(k, b.ToString(System.Globalization.CultureInfo.InvariantCulture))))));
        var list = new List<CareCommunityReach>();
        await using (var cmd = ds.CreateCommand($"""
            SELECT c.id, c.code, c.name, count(*)::int, {columns}, count(*) FILTER (WHERE NOT coalesce({ReachedSql(by, "15")}, false))::int,
                   count(*) FILTER (WHERE r.synthetic)::int
            FROM care_registry r JOIN regions c ON c.id = r.community_id
            WHERE $1::bigint[] IS NULL OR r.community_id = ANY($1)
            GROUP BY c.id, c.code, c.name ORDER BY c.code
            """))
        {
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communities ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                CareShares S(int i) => new(Math.Round(r.GetDouble(i), 4), Math.Round(r.GetDouble(i + 1), 4), Math.Round(r.GetDouble(i + 2), 4));
                list.Add(new CareCommunityReach(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), S(4), S(7), S(10), r.GetInt32(13), r.GetInt32(14)));
            }
        }
        await CareAudit.WriteAsync(ds, user, "reach", communityId, [], $"{list.Count} communities, by {by}", ct);
        return new CareReachReport(walking.Elderly.Name, walking.Elderly.SpeedKmh, by, g.EdgeCount, DateTimeOffset.UtcNow, list);
    }

    /// <summary>The households not reached within 15 minutes (by station, kiosk or either), with their contact, for the
    /// staff of their community and admins. Audited with every record id shown.</summary>
    public async Task<CareUnreachedList> UnreachedAsync(ClaimsPrincipal user, long? communityId, string by, int limit, CancellationToken ct)
    {
        var communities = CareScope.Narrow(await CareScope.RecordCommunitiesAsync(ds, user, ct), communityId);
        await RefreshAsync(ds, await graphs.GetAsync(ct), walking.Elderly, communities, ct);
        var list = new List<CareUnreached>();
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand($"""
            SELECT r.id, r.community_id, c.code, r.category, r.name_enc, r.contact_enc, r.address_enc, ST_X(r.geom), ST_Y(r.geom), r.station_min, r.kiosk_min, r.synthetic
            FROM care_registry r JOIN regions c ON c.id = r.community_id
            WHERE ($1::bigint[] IS NULL OR r.community_id = ANY($1)) AND NOT coalesce({ReachedSql(by, "15")}, false)
            ORDER BY coalesce(r.station_min, 1e9) DESC, r.id LIMIT $2
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communities ?? DBNull.Value);
            cmd.Parameters.AddWithValue(limit);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                list.Add(new CareUnreached(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3),
                    cipher.Decrypt("name", r.GetFieldValue<byte[]>(4)), cipher.Decrypt("contact", r.GetFieldValue<byte[]>(5)),
                    r.IsDBNull(6) ? null : cipher.Decrypt("address", r.GetFieldValue<byte[]>(6)), r.GetDouble(7), r.GetDouble(8),
                    r.IsDBNull(9) ? null : r.GetDouble(9), r.IsDBNull(10) ? null : r.GetDouble(10), r.GetBoolean(11)));
            }
        }
        await CareAudit.WriteAsync(conn, tx, user, "unreached", communityId, list.Select(x => x.Id).ToList(), $"by {by}", ct);
        await tx.CommitAsync(ct);
        return new CareUnreachedList(by, 15, list);
    }

    /// <summary>Rows without personal fields, for the staff of the community and admins. Audited.</summary>
    public async Task<List<CareExportRow>> ExportAsync(ClaimsPrincipal user, long? communityId, CancellationToken ct)
    {
        var communities = CareScope.Narrow(await CareScope.RecordCommunitiesAsync(ds, user, ct), communityId);
        await RefreshAsync(ds, await graphs.GetAsync(ct), walking.Elderly, communities, ct);
        var list = new List<CareExportRow>();
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            SELECT r.id, c.code, r.building_id, r.category, r.synthetic, r.station_min, r.kiosk_min
            FROM care_registry r JOIN regions c ON c.id = r.community_id
            WHERE $1::bigint[] IS NULL OR r.community_id = ANY($1) ORDER BY r.id LIMIT 100000
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, (object?)communities ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                list.Add(new CareExportRow(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetString(3), r.GetBoolean(4),
                    r.IsDBNull(5) ? null : r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6)));
        }
        await CareAudit.WriteAsync(conn, tx, user, "export", communityId, list.Select(x => x.Id).ToList(), $"{list.Count} rows", ct);
        await tx.CommitAsync(ct);
        return list;
    }
}
