using System.Security.Claims;
using Geo.Api.Auth;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Geo.Api;

/// <summary>POST /api/incidents/{id}/transitions: one workflow step, audited, under optimistic
/// concurrency (the client sends the version it saw; xmin decides who wins).</summary>
public static class IncidentTransitions
{
    public static async Task<Results<Ok<IncidentDto>, NotFound, ValidationProblem, ProblemHttpResult>> HandleAsync(
        long id, TransitionIn body, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct)
    {
        if (!IncidentWorkflow.TryParseAction(body.Action, out var action))
            return Invalid("action", $"unknown action '{body.Action}'; expected one of {string.Join(", ", Enum.GetValues<IncidentAction>().Select(a => a.Code()))}");
        if (body.Version is not uint version)
            return Invalid("version", "required: the version of the case you acted on (from GET /api/incidents/{id})");
        if (body.Note is { Length: > 2000 }) return Invalid("note", "at most 2000 characters");
        NetTopologySuite.Geometries.Point? where = null;
        if (body.Lon is not null || body.Lat is not null)
        {
            if (body.Lon is not double lon || body.Lat is not double lat || !double.IsFinite(lon) || !double.IsFinite(lat)
                || !GeoFactory.DistrictExtent.Contains(lon, lat))
                return Invalid("location", "lon and lat together, inside Tongzhou (EPSG:4326)");
            where = GeoFactory.Point(lon, lat);
        }

        var incident = await IncidentsApi.Scoped(db.Incidents, user).FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null) return TypedResults.NotFound();
        var role = GeoClaims.Role(user) ?? "";
        if (incident.Version != version) return Stale(incident.Version);

        var (outcome, to) = IncidentWorkflow.Apply(incident.Status, action, role);
        switch (outcome)
        {
            case WorkflowOutcome.InvalidTransition:
                return TypedResults.Problem(
                    $"cannot {action.Code()} a case that is {incident.Status.Code()}; allowed now: {string.Join(", ", IncidentWorkflow.ActionsFrom(incident.Status).Select(a => a.Code()))}",
                    statusCode: StatusCodes.Status409Conflict, title: "invalid transition",
                    extensions: new Dictionary<string, object?> { ["field"] = "action", ["status"] = incident.Status.Code() });
            case WorkflowOutcome.NotAllowedForRole:
                return TypedResults.Problem($"role '{role}' may not {action.Code()} a case", statusCode: StatusCodes.Status403Forbidden,
                    title: "not allowed", extensions: new Dictionary<string, object?> { ["field"] = "action" });
        }

        if (body.Assignee is { } assignee)
        {
            // only the command centre re-routes a case, and only when dispatching it
            if (action != IncidentAction.Dispatch || string.IsNullOrWhiteSpace(assignee))
                return Invalid("assignee", "a non-empty assignee is accepted with the dispatch action only");
            incident.Assignee = assignee.Trim();
        }
        var now = DateTimeOffset.UtcNow;
        var from = incident.Status;
        incident.Status = to;
        incident.UpdatedAt = now;
        incident.ClosedAt = to == IncidentStatus.Closed ? now : to is IncidentStatus.Registered or IncidentStatus.Reported ? null : incident.ClosedAt;
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = incident.Id, Action = action.Code(), FromStatus = from, ToStatus = to,
            Actor = user.Identity?.Name ?? "unknown", ActorRole = role, At = now, Geom = where, Note = body.Note,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // another manager acted between our read and our write: their step stands, ours is not applied
            var current = await db.Incidents.AsNoTracking().Where(i => i.Id == id).Select(i => i.Version).FirstOrDefaultAsync(ct);
            return Stale(current);
        }
        // the photo is never loaded for a transition; ask whether it exists
        return TypedResults.Ok(IncidentDto.From(incident) with { HasPhoto = await db.IncidentPhotos.AnyAsync(p => p.IncidentId == id, ct) });
    }

    private static ValidationProblem Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] });

    private static ProblemHttpResult Stale(uint current) =>
        TypedResults.Problem("the case was changed by someone else since you loaded it; reload and retry",
            statusCode: StatusCodes.Status409Conflict, title: "concurrent update",
            extensions: new Dictionary<string, object?> { ["field"] = "version", ["currentVersion"] = current });
}
