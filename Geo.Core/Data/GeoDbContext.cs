using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace Geo.Core.Data;

public sealed class GeoDbContext(DbContextOptions<GeoDbContext> options) : DbContext(options)
{
    public DbSet<Region> Regions => Set<Region>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<IncidentEvent> IncidentEvents => Set<IncidentEvent>();
    public DbSet<IncidentPhoto> IncidentPhotos => Set<IncidentPhoto>();
    public DbSet<IncidentCategory> IncidentCategories => Set<IncidentCategory>();
    public DbSet<CalendarDay> CalendarDays => Set<CalendarDay>();
    public DbSet<GeoUser> Users => Set<GeoUser>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<SensorReading> SensorReadings => Set<SensorReading>();
    public DbSet<WeatherWarning> WeatherWarnings => Set<WeatherWarning>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("postgis");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GeoDbContext).Assembly);
    }
}
