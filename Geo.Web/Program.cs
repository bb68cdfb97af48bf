using Geo.Api;
using Geo.Core.Data;
using Geo.Ingest.Jobs;
using Quartz;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGeoData(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddSingleton<ScorecardCache>();
builder.Services.AddQuartz(ScorecardSnapshotJob.Register);
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthApi();
app.MapCoverageApi();
app.MapScorecardApi();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
