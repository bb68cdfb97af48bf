using Geo.Api;
using Geo.Core.Data;
using Geo.Web.Components;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGeoData(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddGeoTiles(builder.Configuration);
builder.AddGeoMap();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthApi();
app.MapTilesApi();
app.MapGeoMap();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
