namespace Geo.Core.Deliveries;

/// <summary>How an order moves: ordered → accepted → out → delivered, or cancelled before delivery. Who may take a
/// step depends on the caller's part in the order (its provider, its orderer, or staff of its community).</summary>
public static class DeliveryWorkflow
{
    public static readonly string[] Statuses = ["ordered", "accepted", "out", "delivered", "cancelled"];
    public static readonly string[] Actions = ["accept", "out", "deliver", "cancel"];

    /// <summary>A provider accepts within this time of the order, else the order has expired: <see cref="DeliveryClock"/> cancels it
    /// (reason in its history) and the resident or staff order again.</summary>
    public static readonly TimeSpan AcceptWithin = TimeSpan.FromMinutes(30);
    /// <summary>Delivered within this time of the order; later it shows as overdue and <see cref="DeliveryClock"/> escalates it once to
    /// the staff of its community (not cancelled: the provider holds the order and the goods may be on the way).</summary>
    public static readonly TimeSpan DeliverWithin = TimeSpan.FromHours(2);

    public readonly record struct Part(bool Provider, bool Orderer, bool Staff);

    /// <summary>The status after <paramref name="action"/>, or null when the step is not valid from <paramref name="status"/>.</summary>
    public static string? Next(string status, string action) => (status, action) switch
    {
        ("ordered", "accept") => "accepted",
        ("accepted", "out") => "out",
        ("out", "deliver") => "delivered",
        ("ordered" or "accepted" or "out", "cancel") => "cancelled",
        _ => null,
    };

    public static bool Allowed(string status, string action, Part part) => action switch
    {
        "accept" or "out" or "deliver" => part.Provider,
        // once out, only the provider or staff cancel (the orderer talks to them)
        "cancel" => part.Provider || part.Staff || (part.Orderer && status != "out"),
        _ => false,
    };

    public static List<string> ActionsFor(string status, Part part) =>
        [.. Actions.Where(a => Next(status, a) is not null && Allowed(status, a, part))];
}
