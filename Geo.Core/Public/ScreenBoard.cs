using Geo.Core.Common;
using Geo.Core.Walking;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;
using Npgsql;

namespace Geo.Core.Public;

public sealed record ScreenWarning(long Id, string Title, string Message, string Severity, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, Geometry Area);

public sealed record ScreenView(long Id, string Name, double Lon, double Lat, bool ShowsWarnings, bool Synthetic, IReadOnlyList<ScreenWarning> Warnings,
    IReadOnlyList<PublicPlace> Shelters, IReadOnlyList<PublicPlace> CivilDefence, DateTimeOffset At);

/// <summary>What a community display screen shows full-screen (3.2.3): the warnings in force over it with their area, and
/// the nearest shelters and civil-defence sites by walking time at the elderly pace (a screen speaks to everyone).
/// The one rule for the page (/screen/{id}) and the API (GET /api/screens/{id}/message): both list the same places in
/// the same order with the same minutes.</summary>
public sealed class ScreenBoard(NpgsqlDataSource ds, WalkingGraphProvider graphs, WalkingOptions walking)
{
    public const int Take = 3, SearchMinutes = 60;

    public async Task<ScreenView> LoadAsync(long id, CancellationToken ct)
    {
        string name; double lon, lat; bool shows, synthetic;
        await using (var cmd = ds.CreateCommand("""
            SELECT name, ST_X(p), ST_Y(p), coalesce((attributes->>'can_show_warnings')::boolean, true), synthetic
            FROM assets CROSS JOIN LATERAL ST_PointOnSurface(geom) p WHERE id = $1 AND kind = 'display_screen'
            """))
        {
            cmd.Parameters.AddWithValue(id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw GeoException.NotFound("id", $"no display screen {id}");
            (name, lon, lat, shows, synthetic) = (r.GetString(0), r.GetDouble(1), r.GetDouble(2), r.GetBoolean(3), r.GetBoolean(4));
        }
        var warnings = new List<ScreenWarning>();
        if (shows)
        {
            await using var cmd = ds.CreateCommand("""
                SELECT id, title, message, severity, valid_from, valid_until, area FROM weather_warnings
                WHERE valid_from <= now() AND valid_until > now() AND ST_Covers(area, ST_SetSRID(ST_MakePoint($1, $2), 4326))
                ORDER BY array_position(ARRAY['blue', 'yellow', 'orange', 'red'], severity) DESC NULLS LAST, id DESC LIMIT 5
                """);
            cmd.Parameters.AddWithValue(lon);
            cmd.Parameters.AddWithValue(lat);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                warnings.Add(new ScreenWarning(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
                    r.GetFieldValue<DateTimeOffset>(5), TopologyPreservingSimplifier.Simplify(r.GetFieldValue<Geometry>(6), 0.0001)));
        }
        var g = await graphs.GetAsync(ct);
        List<PublicPlace> shelters, civil;
        if (g.EdgeCount > 0 && g.SnapPoint(lon, lat, 1000) is { } origin)
        {
            shelters = await PublicPlaces.ByWalkAsync(ds, g, origin, walking.Elderly, SearchMinutes, "shelter", Take, ct);
            civil = await PublicPlaces.ByWalkAsync(ds, g, origin, walking.Elderly, SearchMinutes, "civil_defence", Take, ct);
        }
        else (shelters, civil) = ([], []);
        // nothing within an hour's walk (or no network): the straight line still points somewhere
        if (shelters.Count == 0) shelters = await PublicPlaces.StraightLineAsync(ds, lon, lat, "shelter", Take, ct);
        if (civil.Count == 0) civil = await PublicPlaces.StraightLineAsync(ds, lon, lat, "civil_defence", Take, ct);
        return new ScreenView(id, name, lon, lat, shows, synthetic, warnings, shelters, civil, DateTimeOffset.UtcNow);
    }
}
