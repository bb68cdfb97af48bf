using Geo.Api;
using Geo.Api.Auth;
using Geo.Core.Data;
using Geo.Ingest.Accounts;
using Geo.Ingest.Jobs;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGeoData(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddGeoAuth(builder.Configuration);
builder.AddGeoJobs();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealthApi();
app.MapAuthApi();
app.MapIncidentsApi();
app.MapSensorsApi();
app.MapWarningsApi();
app.MapOpen311Api();
await app.Services.BootstrapAdminAsync(builder.Configuration);
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
