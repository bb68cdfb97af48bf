using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Geo.Api.Auth;
using Geo.Core.Access;
using Geo.Core.Domain;
using Geo.Core.Accounts;
using Geo.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Api;

public sealed partial class AuthApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Framework plumbing that is not ours to gate: SignalR/Blazor hubs and Razor component
    /// endpoints (their form posts carry antiforgery tokens).</summary>
    private static bool IsFrameworkInfrastructure(RouteEndpoint e) =>
        e.RoutePattern.RawText?.StartsWith("/_blazor", StringComparison.Ordinal) == true
        || e.RoutePattern.RawText?.StartsWith("/_framework", StringComparison.Ordinal) == true
        || e.Metadata.Any(m => m.GetType().Name is "HubMetadata" or "ComponentTypeMetadata");

    [Fact]
    public async Task Every_write_endpoint_requires_a_role_or_is_marked_public_and_refuses_anonymous_callers()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var writes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Any(WriteMethods.Contains) == true)
            .Where(e => !IsFrameworkInfrastructure(e))
            .ToList();
        Assert.Contains(writes, e => e.RoutePattern.RawText == "/api/incidents/{id}/transitions");

        var failures = new List<string>();
        var publicOnes = 0;
        foreach (var e in writes)
        {
            var name = $"{string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)} {e.RoutePattern.RawText}";
            if (e.Metadata.GetMetadata<PublicWriteMetadata>() is not null) { publicOnes++; continue; }
            var anonymousAllowed = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var gated = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Roles) || !string.IsNullOrEmpty(a.Policy));
            if (anonymousAllowed || !gated) { failures.Add($"{name}: writes without a role and is not marked public"); continue; }

            var path = RouteParameter().Replace(e.RoutePattern.RawText ?? "/", "1");
            foreach (var method in e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Where(WriteMethods.Contains))
            {
                using var req = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
                var res = await http.SendAsync(req);
                if (res.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                    failures.Add($"{method} {path}: anonymous got {(int)res.StatusCode}");
            }
        }
        Assert.Empty(failures);
        Assert.True(publicOnes >= 3, "resident reports, Open311 POST and sign-in are explicitly public");
    }

    [Fact]
    public async Task Cookie_sign_in_bearer_token_and_api_key_each_authenticate_with_hashed_passwords()
    {
        await using (var ctx = db.CreateContext())
        {
            await UserAdmin.AddUserAsync(ctx, "planner-li", "correct horse 2026", GeoRoles.Planner, "李规划");
        }
        await using var app = new GeoWebFactory(db.ConnectionString);

        // stored as an Identity v3 hash, never the password
        var hash = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM users WHERE user_name = 'planner-li' AND password_hash NOT LIKE '%correct%' AND length(password_hash) > 40");
        Assert.Equal(1, hash);

        var web = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.PostAsJsonAsync("/api/auth/signin", new { user_name = "planner-li", password = "wrong" })).StatusCode);
        var signin = await web.PostAsJsonAsync("/api/auth/signin", new { user_name = "planner-li", password = "correct horse 2026" });
        Assert.Equal(HttpStatusCode.NoContent, signin.StatusCode);
        Assert.Contains(signin.Headers.GetValues("Set-Cookie"), c => c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var me = await web.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("planner", me.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/api/incidents")).StatusCode);

        var api = app.CreateClient();
        var token = await (await api.PostAsJsonAsync("/api/auth/token", new { user_name = "planner-li", password = "correct horse 2026" })).Content.ReadFromJsonAsync<JsonElement>();
        api.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/incidents")).StatusCode);

        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/incidents")).StatusCode);
        anonymous.DefaultRequestHeaders.Add(GeoAuth.ApiKeyHeader, "geo_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/incidents")).StatusCode);

        var resident = await GridFixtures.ClientAsync(app, db, GeoRoles.Resident);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/incidents")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await resident.GetAsync("/api/incidents/mine")).StatusCode);
    }

    [Fact]
    public async Task Bootstrap_admin_is_created_once_and_sensitive_layers_follow_roles()
    {
        var settings = new Dictionary<string, string?> { ["Geo:Auth:BootstrapAdmin:UserName"] = "root", ["Geo:Auth:BootstrapAdmin:Password"] = "first-run-secret" };
        await using (var app = new GeoWebFactory(db.ConnectionString, settings)) { _ = app.Services; }
        await using (var app = new GeoWebFactory(db.ConnectionString, settings)) { _ = app.Services; }
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM users WHERE role = 'admin'"));

        const bool off = false, on = true;
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        var manager = GeoClaims.Principal("test", 1, "gm", GeoRoles.GridManager, null, "王");
        var resident = GeoClaims.Principal("test", 2, "r", GeoRoles.Resident, null, null);
        Assert.False(SensitiveLayers.CanSee(anonymous, off));
        Assert.False(SensitiveLayers.CanSee(resident, off));
        Assert.True(SensitiveLayers.CanSee(manager, off));
        Assert.True(SensitiveLayers.CanSee(anonymous, on));
        Assert.True(SensitiveLayers.CanSee(anonymous, off, AssetKind.Shelter));
        Assert.False(SensitiveLayers.CanSee(anonymous, off, AssetKind.Camera));
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
