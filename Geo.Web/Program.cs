using Geo.Api;
using Geo.Api.Auth;
using Geo.Api.Ogc;
using Geo.Api.Query;
using Geo.Core.Data;
using Geo.Ingest.Accounts;
using Geo.Ingest.Jobs;
using Geo.Web.Components;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGeoData(builder.Configuration);
builder.Services.AddProblemDetails();
// OGC API Features requires an OpenAPI 3.0 definition (conformance class oas30); GDAL and QGIS read it
builder.Services.AddOpenApi(o => o.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_0);
builder.Services.AddGeoAuth(builder.Configuration);
builder.Services.AddGeoTiles(builder.Configuration);
builder.Services.AddSingleton<ScorecardCache>();
builder.AddGeoJobs();
builder.AddGeoMap();
// one walking graph per process, shared by the walking endpoints and the life-circle job
builder.Services.AddSingleton<Geo.Core.Walking.WalkingGraphProvider>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthApi();
app.MapAuthApi();
app.MapOgcFeaturesApi(openApiPath: "/openapi/v1.json", docsPath: "/scalar");
app.MapQueryApi();
app.MapTilesApi();
app.MapCoverageApi();
app.MapScorecardApi();
app.MapWalkingApi();
app.MapIncidentsApi();
app.MapSensorsApi();
app.MapWarningsApi();
app.MapOpen311Api();
app.MapGeoMap();
await app.Services.BootstrapAdminAsync(builder.Configuration);
app.MapLifeCircleApi();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
