using Geo.Gateway;

var builder = WebApplication.CreateBuilder(args);
var options = GatewayOptions.From(builder.Configuration);
builder.Services.AddSingleton(options);
builder.Services.AddGatewayProxy(options);
builder.Services.AddSingleton<ReplicaProbe>();
builder.Services.AddHttpClient("nodes", c => c.Timeout = TimeSpan.FromSeconds(1));

var app = builder.Build();
app.MapGatewayHealth();
app.MapReverseProxy(); // the default pipeline: session affinity, load balancing, passive health checks
app.Run();
