namespace Geo.Web.Components.Views;

/// <summary>What the planner's Wi-Fi and site-suggestion panels share: one computation at a time (both buttons are
/// disabled while either runs) and one error line, shown under the Wi-Fi tools. <see cref="Changed"/> lets the
/// planner re-render both when either starts, ends or sets the error.</summary>
public sealed class PlannerWork
{
    public bool Busy { get; private set; }

    public string? Error { get; set; }

    public event Action? Changed;

    /// <summary>False when a computation is already running (the caller then does nothing).</summary>
    public bool TryStart()
    {
        if (Busy) return false;
        Busy = true;
        Changed?.Invoke();
        return true;
    }

    public void End()
    {
        Busy = false;
        Changed?.Invoke();
    }
}
