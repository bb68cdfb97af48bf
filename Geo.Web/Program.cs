using Geo.Api;
using Geo.Core.Data;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGeoData(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddGeoTiles(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthApi();
app.MapTilesApi();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
