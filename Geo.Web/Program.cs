using Geo.Api;
using Geo.Api.Auth;
using Geo.Api.Http;
using Geo.Api.Ogc;
using Geo.Api.Query;
using Geo.Ingest.Accounts;
using Geo.Ingest.Jobs;
using Geo.Web.Components;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGeoData(builder.Configuration);
builder.Services.AddGeoUseCases(builder.Configuration);
builder.Services.AddGeoApi();
builder.Services.AddGeoHttpBasics(builder.Configuration);
builder.Services.AddGeoAuth(builder.Configuration);
builder.Services.AddGeoTiles(builder.Configuration);
builder.AddGeoJobs();
builder.AddGeoMap();

var app = builder.Build();
app.UseGeoProblems();
app.UseGeoHttpBasics();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthApi();
app.MapAuthApi();
app.MapOgcFeaturesApi(openApiPath: "/openapi/ogc.json", docsPath: "/scalar");
app.MapQueryApi();
app.MapTilesApi();
app.MapCoverageApi();
app.MapScorecardApi();
app.MapWalkingApi();
app.MapIncidentsApi();
app.MapSensorsApi();
app.MapWarningsApi();
app.MapOpen311Api();
app.MapLifeCircleApi();
app.MapGeoMap();
await app.Services.BootstrapAdminAsync(builder.Configuration);
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
