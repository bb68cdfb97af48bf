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
        string[] cc = ["planner", "admin"], field = ["grid_manager", "planner", "admin"];
        return (s, a) switch
        {
            (IncidentStatus.Reported, IncidentAction.Register) => (IncidentStatus.Registered, cc),
            (IncidentStatus.Reported, IncidentAction.Reject) => (IncidentStatus.Rejected, cc),
            (IncidentStatus.Registered, IncidentAction.Dispatch) => (IncidentStatus.Dispatched, cc),
            (IncidentStatus.Registered, IncidentAction.Reject) => (IncidentStatus.Rejected, cc),
            (IncidentStatus.Dispatched, IncidentAction.Start) => (IncidentStatus.InProgress, field),
            (IncidentStatus.Dispatched, IncidentAction.Reject) => (IncidentStatus.Registered, field),
            (IncidentStatus.InProgress, IncidentAction.Resolve) => (IncidentStatus.Resolved, field),
            (IncidentStatus.Resolved, IncidentAction.Verify) => (IncidentStatus.Verified, field),
            (IncidentStatus.Resolved, IncidentAction.Reject) => (IncidentStatus.InProgress, field),
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
}
