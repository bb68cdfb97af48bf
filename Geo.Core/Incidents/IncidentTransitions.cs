using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Incidents;

/// <summary>One workflow step on one case, audited, under optimistic concurrency: the caller sends the version
/// it saw and xmin decides who wins. The API's POST /api/incidents/{id}/transitions and the dispatch board
/// (single and bulk) both call <see cref="ApplyAsync"/>, so the rules, the audit event and the version check
/// are the same wherever a case is moved.</summary>
public sealed class IncidentTransitions(IDbContextFactory<GeoDbContext> dbs)
{
    public const int MaxNote = 2000;
    /// <summary>How the refusal of a self-verification starts, so a UI can say it in the user's language.</summary>
    public const string SeparationOfDuties = "separation of duties";

    /// <summary>The case after the step. Throws <see cref="GeoException"/>: BadInput (a field, named),
    /// NotFound (no such case in the caller's scope), Forbidden (the role may not take this action),
    /// Conflict (the case moved on: stale version or a step no longer valid; <c>current_version</c>/<c>status</c> say where it is).</summary>
    public async Task<IncidentDto> ApplyAsync(long id, TransitionRequest body, ClaimsPrincipal user, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!IncidentWorkflow.TryParseAction(body.Action, out var action))
            throw GeoException.BadInput("action", $"unknown action '{body.Action}'; expected one of {string.Join(", ", Enum.GetValues<IncidentAction>().Select(a => a.Code()))}");
        if (body.Version is not uint version)
            throw GeoException.BadInput("version", "required: the version of the case you acted on (from GET /api/incidents/{id})");
        if (body.Note is { Length: > MaxNote }) throw GeoException.BadInput("note", $"at most {MaxNote} characters");
        NetTopologySuite.Geometries.Point? where = null;
        if (body.Lon is not null || body.Lat is not null)
        {
            if (body.Lon is not double lon || body.Lat is not double lat || !double.IsFinite(lon) || !double.IsFinite(lat)
                || !GeoFactory.DistrictExtent.Contains(lon, lat))
                throw GeoException.BadInput("location", "lon and lat together, inside Tongzhou (EPSG:4326)");
            where = GeoFactory.Point(lon, lat);
        }
        if (body.Assignee is { } a && (action != IncidentAction.Dispatch || string.IsNullOrWhiteSpace(a) || a.Length > 100))
            // only the command centre re-routes a case, and only when dispatching it
            throw GeoException.BadInput("assignee", "a non-empty assignee (≤ 100 characters) is accepted with the dispatch action only");

        var seen = await IncidentScope.Visible(db.Incidents.AsNoTracking(), user).Where(i => i.Id == id)
            .Select(i => new { Incident = i, HasPhoto = db.IncidentPhotos.Any(p => p.IncidentId == i.Id) })
            .FirstOrDefaultAsync(ct)
            ?? throw GeoException.NotFound("id", $"no case {id} among the cases you may act on");
        var incident = seen.Incident;
        var role = GeoClaims.Role(user) ?? "";
        if (incident.Version != version) throw Stale(incident.Version, incident.Status);

        var (outcome, to) = IncidentWorkflow.Apply(incident.Status, action, role);
        switch (outcome)
        {
            case WorkflowOutcome.InvalidTransition:
                throw GeoException.Conflict("action",
                    $"cannot {action.Code()} a case that is {incident.Status.Code()}; allowed now: {string.Join(", ", IncidentWorkflow.ActionsFrom(incident.Status).Select(x => x.Code()))}",
                    new Dictionary<string, object?> { ["status"] = incident.Status.Code(), ["current_version"] = incident.Version });
            case WorkflowOutcome.NotAllowedForRole:
                throw GeoException.Forbidden("action", $"role '{role}' may not {action.Code()} a case");
        }
        if (IncidentWorkflow.NeedsNote(action) && string.IsNullOrWhiteSpace(body.Note))
            throw GeoException.BadInput("note", $"required for {action.Code()}: say what was done, found or why (every step leaves a record)");
        var actor = user.Identity?.Name ?? "unknown";
        if (IncidentWorkflow.SeparatedFrom(incident.Status, action) is { Count: > 0 } separated)
        {
            // separation of duties: who took a handling step on this case does not give the verdict on it, whatever their role
            var codes = separated.Select(x => x.Code()).ToArray();
            if (await db.IncidentEvents.AnyAsync(e => e.IncidentId == id && e.Actor == actor && codes.Contains(e.Action), ct))
                throw GeoException.Forbidden("action",
                    $"{SeparationOfDuties}: you took the {string.Join("/", codes)} step on case {id}, so its {action.Code()} belongs to a supervisor (监督员) or another admin");
        }

        if (body.Assignee is { } assignee) incident.Assignee = assignee.Trim();
        var now = DateTimeOffset.UtcNow;
        var from = incident.Status;
        incident.Status = to;
        incident.UpdatedAt = now;
        incident.ClosedAt = to == IncidentStatus.Closed ? now : to is IncidentStatus.Registered or IncidentStatus.Reported ? null : incident.ClosedAt;

        // one statement, one commit: the step applies only if xmin is still the version the caller saw, and its audit
        // event is written by the same statement (no EF change tracking, no explicit transaction round trips)
        var opened = db.Database.GetDbConnection().State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                WITH up AS (
                    UPDATE incidents SET status = $3, updated_at = $4, closed_at = $5, assignee = $6
                    WHERE id = $1 AND xmin = $2
                    RETURNING id, xmin),
                ev AS (
                    INSERT INTO incident_events (incident_id, action, from_status, to_status, actor, actor_role, at, geom, note)
                    SELECT id, $7, $8, $3, $9, $10, $4, $11, $12 FROM up)
                SELECT xmin FROM up
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.Add(new NpgsqlParameter { Value = version, NpgsqlDbType = NpgsqlDbType.Xid });
            cmd.Parameters.AddWithValue(to.Code());
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)incident.ClosedAt ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)incident.Assignee ?? DBNull.Value);
            cmd.Parameters.AddWithValue(action.Code());
            cmd.Parameters.AddWithValue(from.Code());
            cmd.Parameters.AddWithValue(actor);
            cmd.Parameters.AddWithValue(role);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)where ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Geometry });
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, body.Note?.Trim() is { Length: > 0 } n ? n : DBNull.Value);
            if (await cmd.ExecuteScalarAsync(ct) is not uint newVersion)
            {
                // another manager acted between our read and our write: their step stands, ours is not applied
                var current = await db.Incidents.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Version, i.Status }).FirstOrDefaultAsync(ct);
                throw Stale(current?.Version ?? 0, current?.Status ?? from);
            }
            incident.Version = newVersion;
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
        return IncidentDto.From(incident) with { HasPhoto = seen.HasPhoto };
    }

    private static GeoException Stale(uint current, IncidentStatus status) =>
        GeoException.Conflict("version", "the case was changed by someone else since you loaded it; reload and retry",
            new Dictionary<string, object?> { ["current_version"] = current, ["status"] = status.Code() });
}
