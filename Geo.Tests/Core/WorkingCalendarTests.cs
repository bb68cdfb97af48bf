using Geo.Core.Domain;

namespace Geo.Tests.Core;

public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = new(ChinaHolidays.Year2026);

    private static DateTimeOffset Beijing(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("2026-01-01", false)] // 元旦
    [InlineData("2026-01-04", true)]  // Sunday, make-up working day
    [InlineData("2026-02-14", true)]  // Saturday, make-up working day
    [InlineData("2026-02-18", false)] // 春节, Wednesday
    [InlineData("2026-10-10", true)]  // Saturday after 国庆
    [InlineData("2026-11-28", false)] // ordinary Saturday
    [InlineData("2026-11-30", true)]  // ordinary Monday
    public void Holidays_and_make_up_days_override_the_weekday_rule(string day, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Working_hours_skip_weekends_and_holidays()
    {
        // Friday 22:00 + 4 h → 2 h on Friday, 2 h on Monday
        Assert.Equal(Beijing(2026, 11, 30, 2), Calendar.AddWorkingHours(Beijing(2026, 11, 27, 22), 4));
        // within a working day
        Assert.Equal(Beijing(2026, 11, 25, 14), Calendar.AddWorkingHours(Beijing(2026, 11, 25, 10), 4));
        // reported on a Saturday: the clock starts Monday
        Assert.Equal(Beijing(2026, 11, 30, 2), Calendar.AddWorkingHours(Beijing(2026, 11, 28, 15), 2));
        // National Day: reported 30 Sep 20:00, 24 h → 4 h on 30 Sep, nothing 1–7 Oct, then Thursday 8 Oct 20:00
        Assert.Equal(Beijing(2026, 10, 8, 20), Calendar.AddWorkingHours(Beijing(2026, 9, 30, 20), 24));
        // Spring Festival with the make-up Saturday 14 Feb: Fri 13 Feb 12:00 + 24 h → Sat 14 Feb 12:00 (a working day)
        Assert.Equal(Beijing(2026, 2, 14, 12), Calendar.AddWorkingHours(Beijing(2026, 2, 13, 12), 24));
        // ...and 48 h → then nothing until Tue 24 Feb 12:00
        Assert.Equal(Beijing(2026, 2, 24, 12), Calendar.AddWorkingHours(Beijing(2026, 2, 13, 12), 48));
        Assert.Equal(TimeSpan.Zero, Calendar.AddWorkingHours(Beijing(2026, 2, 13, 12), 0).Offset);
    }
}
