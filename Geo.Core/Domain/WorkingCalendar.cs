namespace Geo.Core.Domain;

/// <summary>Working time on the Chinese civil calendar: Monday–Friday, except public holidays, plus
/// make-up working days (调休) on weekends. Time limits count 24 working hours per working day and
/// nothing on rest days, in Beijing time (UTC+8, no daylight saving).</summary>
public sealed class WorkingCalendar(IEnumerable<CalendarDay> exceptions)
{
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private readonly Dictionary<DateOnly, bool> _exceptions = exceptions.ToDictionary(d => d.Day, d => d.IsWorkingDay);

    public bool IsWorkingDay(DateOnly day) =>
        _exceptions.TryGetValue(day, out var working) ? working : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The instant <paramref name="hours"/> working hours after <paramref name="start"/>.</summary>
    public DateTimeOffset AddWorkingHours(DateTimeOffset start, int hours)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hours);
        var t = start.ToOffset(BeijingOffset);
        var remaining = TimeSpan.FromHours(hours);
        // bounded: even a year of holidays cannot need more than a few hundred iterations
        for (var guard = 0; guard < 5000; guard++)
        {
            var day = DateOnly.FromDateTime(t.DateTime);
            var midnight = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), BeijingOffset);
            if (IsWorkingDay(day))
            {
                var left = midnight - t;
                if (remaining <= left) return (t + remaining).ToUniversalTime();
                remaining -= left;
            }
            t = midnight;
        }
        throw new InvalidOperationException("calendar has no working days");
    }
}

/// <summary>The State Council's 2026 holiday schedule (国务院办公厅关于2026年部分节假日安排的通知),
/// as calendar exceptions. Later years are added as rows in calendar_days, not code.</summary>
public static class ChinaHolidays
{
    public static IReadOnlyList<CalendarDay> Year2026 { get; } = Build(
        ("元旦", ["2026-01-01", "2026-01-02", "2026-01-03"], ["2026-01-04"]),
        ("春节", ["2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23"], ["2026-02-14", "2026-02-28"]),
        ("清明节", ["2026-04-04", "2026-04-05", "2026-04-06"], []),
        ("劳动节", ["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05"], ["2026-05-09"]),
        ("端午节", ["2026-06-19", "2026-06-20", "2026-06-21"], []),
        ("中秋节", ["2026-09-25", "2026-09-26", "2026-09-27"], []),
        ("国庆节", ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"], ["2026-09-20", "2026-10-10"]));

    private static List<CalendarDay> Build(params (string Name, string[] Off, string[] MakeUp)[] holidays) =>
        holidays.SelectMany(h =>
                h.Off.Select(d => new CalendarDay { Day = DateOnly.Parse(d, System.Globalization.CultureInfo.InvariantCulture), IsWorkingDay = false, Note = h.Name })
                    .Concat(h.MakeUp.Select(d => new CalendarDay { Day = DateOnly.Parse(d, System.Globalization.CultureInfo.InvariantCulture), IsWorkingDay = true, Note = h.Name + "调休上班" })))
            .ToList();
}
