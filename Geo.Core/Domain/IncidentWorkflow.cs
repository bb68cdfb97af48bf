namespace Geo.Core.Domain;

public enum IncidentAction { Register, Dispatch, Start, Resolve, Verify, Close, Reject, Reopen }

public enum WorkflowOutcome { Allowed, NotAllowedForRole, InvalidTransition }

/// <summary>The city-management grid workflow as a pure table: reported → registered (立案) →
/// dispatched (派遣) → in_progress (处置) → resolved (反馈) → verified (核查) → closed (结案), with
/// reject and reopen. No I/O, so every (status, action, role) triple can be tested.</summary>
public static class IncidentWorkflow
{
    private static readonly string[] CommandCentre = [GeoRoles.Planner, GeoRoles.Admin];
    private static readonly string[] Field = [GeoRoles.GridManager, GeoRoles.Planner, GeoRoles.Admin];
    /// <summary>核查 belongs to the supervisor (监督员) or an admin, never to the field: whoever handled a case does not
    /// sign it off (and <see cref="SeparatedFrom"/> refuses even an admin who took a handling step on it).</summary>
    private static readonly string[] Verifiers = [GeoRoles.Supervisor, GeoRoles.Admin];

    public sealed record Transition(IncidentStatus From, IncidentAction Action, IncidentStatus To, IReadOnlyList<string> Roles);

    public static IReadOnlyList<Transition> Transitions { get; } =
    [
        new(IncidentStatus.Reported, IncidentAction.Register, IncidentStatus.Registered, CommandCentre),
        // 不予立案: a duplicate or not a matter for the grid
        new(IncidentStatus.Reported, IncidentAction.Reject, IncidentStatus.Rejected, CommandCentre),
        new(IncidentStatus.Registered, IncidentAction.Dispatch, IncidentStatus.Dispatched, CommandCentre),
        new(IncidentStatus.Registered, IncidentAction.Reject, IncidentStatus.Rejected, CommandCentre),
        new(IncidentStatus.Dispatched, IncidentAction.Start, IncidentStatus.InProgress, Field),
        // 退回: the grid manager sends a mis-dispatched case back to the command centre
        new(IncidentStatus.Dispatched, IncidentAction.Reject, IncidentStatus.Registered, Field),
        new(IncidentStatus.InProgress, IncidentAction.Resolve, IncidentStatus.Resolved, Field),
        new(IncidentStatus.Resolved, IncidentAction.Verify, IncidentStatus.Verified, Verifiers),
        // 核查不通过: the fix did not hold, back to handling
        new(IncidentStatus.Resolved, IncidentAction.Reject, IncidentStatus.InProgress, Verifiers),
        new(IncidentStatus.Verified, IncidentAction.Close, IncidentStatus.Closed, CommandCentre),
        new(IncidentStatus.Closed, IncidentAction.Reopen, IncidentStatus.Registered, CommandCentre),
        new(IncidentStatus.Rejected, IncidentAction.Reopen, IncidentStatus.Reported, CommandCentre),
    ];

    public static (WorkflowOutcome Outcome, IncidentStatus To) Apply(IncidentStatus from, IncidentAction action, string role)
    {
        var t = Transitions.FirstOrDefault(x => x.From == from && x.Action == action);
        if (t is null) return (WorkflowOutcome.InvalidTransition, from);
        return t.Roles.Contains(role) ? (WorkflowOutcome.Allowed, t.To) : (WorkflowOutcome.NotAllowedForRole, from);
    }

    /// <summary>Steps that must say why or what was done (GB/T 30428: every step leaves a record): 反馈 says what was
    /// done, 核查 what was found, 退回 and 重新打开 why. The UI asks for it; the use case refuses a step without it.</summary>
    public static bool NeedsNote(IncidentAction a) =>
        a is IncidentAction.Resolve or IncidentAction.Verify or IncidentAction.Reject or IncidentAction.Reopen;

    /// <summary>Steps whose actor may not also take <paramref name="a"/> on the same case (separation of duties):
    /// the verdict on a fix (核查, or 核查不通过 from resolved) is never given by whoever started or reported the fix.</summary>
    public static IReadOnlyList<IncidentAction> SeparatedFrom(IncidentStatus from, IncidentAction a) =>
        from == IncidentStatus.Resolved && a is IncidentAction.Verify or IncidentAction.Reject
            ? [IncidentAction.Start, IncidentAction.Resolve] : [];

    /// <summary>What a role may do next, for UIs and for error messages.</summary>
    public static IReadOnlyList<IncidentAction> ActionsFrom(IncidentStatus from, string? role = null) =>
        Transitions.Where(t => t.From == from && (role is null || t.Roles.Contains(role))).Select(t => t.Action).ToList();

    public static string Code(this IncidentAction a) => a.ToString().ToLowerInvariant();

    public static bool TryParseAction(string? code, out IncidentAction action) =>
        Enum.TryParse(code?.Trim(), ignoreCase: true, out action) && Enum.IsDefined(action) && !int.TryParse(code, out _);
}
