using Geo.Api;
using Geo.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Geo.Tests.Infrastructure;

/// <summary>One app instance's Quartz scheduler (clustered on the fixture's database), for tests that start two and
/// prove a job fires once. Every job runs hourly unless <paramref name="intervals"/> says otherwise
/// (keys under Geo:Jobs, e.g. <c>["SlaClockInterval"] = "00:00:00.2"</c>).</summary>
public static class ClusteredJobHost
{
    public static IHost Build(string connectionString, IReadOnlyDictionary<string, string> intervals)
    {
        var b = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Geo"] = connectionString,
            ["Geo:Jobs:SlaClockInterval"] = "01:00:00",
            ["Geo:Jobs:HeartbeatInterval"] = "01:00:00",
            ["Geo:Jobs:DeliveryClockInterval"] = "01:00:00",
            ["Geo:Jobs:ClusterCheckinInterval"] = "00:00:01",
        };
        foreach (var (k, v) in intervals) settings[$"Geo:Jobs:{k}"] = v;
        b.Configuration.AddInMemoryCollection(settings);
        b.Services.AddGeoData(b.Configuration);
        b.AddGeoJobs();
        return b.Build();
    }
}
