using Geo.Core.Domain;

namespace Geo.Tests.Core;

public sealed class IncidentWorkflowTests
{
    public static TheoryData<IncidentStatus, IncidentAction, string> AllTriples()
    {
        var data = new TheoryData<IncidentStatus, IncidentAction, string>();
        foreach (var s in Enum.GetValues<IncidentStatus>())
            foreach (var a in Enum.GetValues<IncidentAction>())
                foreach (var r in GeoRoles.All) data.Add(s, a, r);
        return data;
    }

    /// <summary>The expected table written out independently of IncidentWorkflow.Transitions.</summary>
    private static (IncidentStatus To, string[] Roles)? Expected(IncidentStatus s, IncidentAction a)
    {
        string[] cc = ["planner", "admin"], field = ["grid_manager", "planner", "admin"], verifiers = ["supervisor", "admin"];
        return (s, a) switch
        {
            (IncidentStatus.Reported, IncidentAction.Register) => (IncidentStatus.Registered, cc),
            (IncidentStatus.Reported, IncidentAction.Reject) => (IncidentStatus.Rejected, cc),
            (IncidentStatus.Registered, IncidentAction.Dispatch) => (IncidentStatus.Dispatched, cc),
            (IncidentStatus.Registered, IncidentAction.Reject) => (IncidentStatus.Rejected, cc),
            (IncidentStatus.Dispatched, IncidentAction.Start) => (IncidentStatus.InProgress, field),
            (IncidentStatus.Dispatched, IncidentAction.Reject) => (IncidentStatus.Registered, field),
            (IncidentStatus.InProgress, IncidentAction.Resolve) => (IncidentStatus.Resolved, field),
            (IncidentStatus.Resolved, IncidentAction.Verify) => (IncidentStatus.Verified, verifiers),
            (IncidentStatus.Resolved, IncidentAction.Reject) => (IncidentStatus.InProgress, verifiers),
            (IncidentStatus.Verified, IncidentAction.Close) => (IncidentStatus.Closed, cc),
            (IncidentStatus.Closed, IncidentAction.Reopen) => (IncidentStatus.Registered, cc),
            (IncidentStatus.Rejected, IncidentAction.Reopen) => (IncidentStatus.Reported, cc),
            _ => null,
        };
    }

    [Theory]
    [MemberData(nameof(AllTriples))]
    public void Every_status_action_role_triple_has_the_expected_outcome(IncidentStatus from, IncidentAction action, string role)
    {
        var (outcome, to) = IncidentWorkflow.Apply(from, action, role);
        var expected = Expected(from, action);
        if (expected is null)
        {
            Assert.Equal(WorkflowOutcome.InvalidTransition, outcome);
            Assert.Equal(from, to);
        }
        else if (expected.Value.Roles.Contains(role))
        {
            Assert.Equal(WorkflowOutcome.Allowed, outcome);
            Assert.Equal(expected.Value.To, to);
        }
        else
        {
            Assert.Equal(WorkflowOutcome.NotAllowedForRole, outcome);
            Assert.Equal(from, to);
        }
    }

    [Fact]
    public void Residents_and_devices_can_never_move_a_case_and_the_happy_path_reaches_closed()
    {
        foreach (var s in Enum.GetValues<IncidentStatus>())
        {
            Assert.Empty(IncidentWorkflow.ActionsFrom(s, GeoRoles.Resident));
            Assert.Empty(IncidentWorkflow.ActionsFrom(s, GeoRoles.Device));
        }
        var status = IncidentStatus.Reported;
        foreach (var a in new[] { IncidentAction.Register, IncidentAction.Dispatch, IncidentAction.Start, IncidentAction.Resolve, IncidentAction.Verify, IncidentAction.Close })
            (_, status) = IncidentWorkflow.Apply(status, a, GeoRoles.Admin);
        Assert.Equal(IncidentStatus.Closed, status);
        // every status is reachable and (except closed via reopen) every status has a way on
        Assert.All(Enum.GetValues<IncidentStatus>(), s => Assert.NotEmpty(IncidentWorkflow.ActionsFrom(s)));
        Assert.True(IncidentWorkflow.TryParseAction("Dispatch", out var d) && d == IncidentAction.Dispatch);
        Assert.False(IncidentWorkflow.TryParseAction("3", out _));
        Assert.False(IncidentWorkflow.TryParseAction("teleport", out _));
    }

    [Fact]
    public void Steps_that_leave_a_record_and_the_separated_verdict_are_declared_once()
    {
        Assert.Equal([IncidentAction.Resolve, IncidentAction.Verify, IncidentAction.Reject, IncidentAction.Reopen],
            Enum.GetValues<IncidentAction>().Where(IncidentWorkflow.NeedsNote));
        Assert.Equal([IncidentAction.Start, IncidentAction.Resolve], IncidentWorkflow.SeparatedFrom(IncidentStatus.Resolved, IncidentAction.Verify));
        Assert.Equal([IncidentAction.Start, IncidentAction.Resolve], IncidentWorkflow.SeparatedFrom(IncidentStatus.Resolved, IncidentAction.Reject));
        // 退回 of a dispatched case is the handler's own refusal, not a verdict on anyone's work
        Assert.Empty(IncidentWorkflow.SeparatedFrom(IncidentStatus.Dispatched, IncidentAction.Reject));
        Assert.Empty(IncidentWorkflow.SeparatedFrom(IncidentStatus.Resolved, IncidentAction.Start));
        // the supervisor gives verdicts and nothing else
        foreach (var s in Enum.GetValues<IncidentStatus>())
            Assert.All(IncidentWorkflow.ActionsFrom(s, GeoRoles.Supervisor), a => Assert.True(s == IncidentStatus.Resolved && a is IncidentAction.Verify or IncidentAction.Reject));
    }
}
