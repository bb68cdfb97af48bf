using Geo.Api;
using Geo.Api.Ogc;
using Geo.Api.Query;
using Geo.Core.Data;
using Geo.Ingest.Jobs;
using Quartz;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGeoData(builder.Configuration);
builder.Services.AddProblemDetails();
// OGC API Features requires an OpenAPI 3.0 definition (conformance class oas30); GDAL and QGIS read it
builder.Services.AddOpenApi(o => o.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_0);
builder.Services.AddSingleton<ScorecardCache>();
// one walking graph per process, shared by the walking endpoints and the life-circle job
builder.Services.AddSingleton<Geo.Core.Walking.WalkingGraphProvider>();
builder.Services.AddQuartz(q =>
{
    ScorecardSnapshotJob.Register(q);
    LifeCircleJob.Register(q);
});
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthApi();
app.MapOgcFeaturesApi(openApiPath: "/openapi/v1.json", docsPath: "/scalar");
app.MapQueryApi();
app.MapCoverageApi();
app.MapScorecardApi();
app.MapWalkingApi();
app.MapLifeCircleApi();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
