using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Geo.Core.Data.Configurations;

public sealed class CalendarDayEntityTypeConfiguration : IEntityTypeConfiguration<CalendarDay>
{
    public void Configure(EntityTypeBuilder<CalendarDay> b)
    {
        b.ToTable("calendar_days", t =>
            // a make-up working day (调休) is always a weekend day; holidays are listed as published, weekends included
            t.HasCheckConstraint("ck_calendar_days_exception", "NOT is_working_day OR extract(isodow FROM day) >= 6"));
        b.HasKey(d => d.Day);
        b.Property(d => d.Day).HasColumnName("day").HasColumnType("date");
        b.Property(d => d.IsWorkingDay).HasColumnName("is_working_day");
        b.Property(d => d.Note).HasColumnName("note").HasColumnType("text");
        b.HasData(ChinaHolidays.Year2026.Select(d => new CalendarDay { Day = d.Day, IsWorkingDay = d.IsWorkingDay, Note = d.Note }));
    }
}
