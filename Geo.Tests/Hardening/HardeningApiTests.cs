using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Scorecard;
using Geo.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Geo.Tests.Hardening;

/// <summary>Issue 12 on the shared test cluster: each finding of the attack run with the request that broke it.</summary>
public sealed class HardeningApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");

    private async Task<string> UserAsync(string password, string role = GeoRoles.Resident)
    {
        var name = "u-" + Guid.NewGuid().ToString("N")[..8];
        await using var ctx = db.CreateContext();
        var u = new GeoUser { UserName = name, DisplayName = name, Role = role, PasswordHash = "" };
        u.PasswordHash = new PasswordHasher<GeoUser>().HashPassword(u, password);
        ctx.Users.Add(u);
        await ctx.SaveChangesAsync();
        return name;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage res, HttpStatusCode status, string parameter)
    {
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == status, $"{(int)res.StatusCode}: {body}");
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(parameter, doc.RootElement.GetProperty("parameter").GetString());
        return doc.RootElement.Clone();
    }

    // ---- finding 4: sign-in throttling
    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?>
        {
            ["Hardening:SignInFailuresBeforeLockout"] = "3", ["Hardening:LockoutSeconds"] = "60",
        });
        var http = app.CreateClient();
        var user = await UserAsync("right-password-1");
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/auth/token", new { user_name = user, password = "wrong" + i })).StatusCode);
        var locked = await http.PostAsJsonAsync("/api/auth/token", new { user_name = user, password = "right-password-1" });
        await ProblemAsync(locked, HttpStatusCode.TooManyRequests, "user_name");
        Assert.True(int.Parse(locked.Headers.GetValues("Retry-After").Single()) is > 1 and <= 60);
        // another account is not affected
        var other = await UserAsync("pw-2");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/auth/token", new { user_name = other, password = "pw-2" })).StatusCode);
    }

    [Fact]
    public async Task Unknown_and_known_names_answer_alike_and_one_address_is_rate_limited()
    {
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Hardening:SignInPerMinute"] = "5" });
        var http = app.CreateClient();
        var user = await UserAsync("pw-known");
        var known = await http.PostAsJsonAsync("/api/auth/token", new { user_name = user, password = "nope" });
        var unknown = await http.PostAsJsonAsync("/api/auth/token", new { user_name = "nobody-" + Guid.NewGuid().ToString("N")[..6], password = "nope" });
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        var a = await ProblemAsync(known, HttpStatusCode.Unauthorized, "password");
        var b = await ProblemAsync(unknown, HttpStatusCode.Unauthorized, "password");
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        // unknown names cost a hash too: timing within the same order (the unknown one is not ~20x faster)
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 2; i++) await http.PostAsJsonAsync("/api/auth/token", new { user_name = "ghost" + i, password = "x" });
        var unknownMs = sw.Elapsed.TotalMilliseconds / 2;
        sw.Restart();
        await http.PostAsJsonAsync("/api/auth/token", new { user_name = user, password = "x" });
        var knownMs = sw.Elapsed.TotalMilliseconds;
        Assert.True(unknownMs > knownMs / 5, $"unknown {unknownMs:F1} ms vs known {knownMs:F1} ms");
        // 5 per minute from one address: the 6th attempt is refused before any work
        var seventh = await http.PostAsJsonAsync("/api/auth/token", new { user_name = user, password = "pw-known" });
        await ProblemAsync(seventh, HttpStatusCode.TooManyRequests, "user_name");
        Assert.True(seventh.Headers.Contains("Retry-After"));
    }

    // ---- finding 10: CSRF
    [Fact]
    public async Task A_cookie_write_from_another_origin_is_refused_and_from_our_own_accepted()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var user = await UserAsync("pw-csrf");
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync("/api/auth/signin", new { user_name = user, password = "pw-csrf" })).StatusCode);
        var me = await http.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.True(me.GetProperty("authenticated").GetBoolean());

        var evil = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signout");
        evil.Headers.Add("Origin", "https://evil.example");
        await ProblemAsync(await http.SendAsync(evil), HttpStatusCode.Forbidden, "origin");
        var nul = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signout");
        nul.Headers.Add("Origin", "null");
        await ProblemAsync(await http.SendAsync(nul), HttpStatusCode.Forbidden, "origin");
        Assert.True((await http.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("authenticated").GetBoolean());

        var own = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signout");
        own.Headers.Add("Origin", "http://localhost");
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(own)).StatusCode);
    }

    [Fact]
    public async Task The_cookie_is_Secure_when_configured_and_not_on_plain_http()
    {
        var user = await UserAsync("pw-secure");
        await using (var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Hardening:SecureCookies"] = "true" }))
        {
            var res = await app.CreateClient().PostAsJsonAsync("/api/auth/signin", new { user_name = user, password = "pw-secure" });
            Assert.True(res.IsSuccessStatusCode, $"sign-in answered {(int)res.StatusCode}: {await res.Content.ReadAsStringAsync()}");
            Assert.Contains("secure", res.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("geo.auth", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        }
        await using (var app = new GeoWebFactory(db.ConnectionString))
        {
            // plain HTTP without a proxy saying otherwise: not Secure (the browser would drop it)
            var res = await app.CreateClient().PostAsJsonAsync("/api/auth/signin", new { user_name = user, password = "pw-secure" });
            Assert.True(res.IsSuccessStatusCode, $"sign-in answered {(int)res.StatusCode}: {await res.Content.ReadAsStringAsync()}");
            Assert.DoesNotContain("secure", res.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("geo.auth", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        }
    }

    // ---- finding 3: body limits, concurrency limit and time budget of expensive operations
    [Fact]
    public async Task An_oversized_body_is_refused_from_its_length_before_it_is_read()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var big = new ByteArrayContent(new byte[(1 << 20) + 1]);
        big.Headers.ContentType = new("application/json");
        var p = await ProblemAsync(await http.PostAsync("/api/query/within", big), HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Contains("at most", p.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Expensive_requests_past_the_limit_get_429_and_past_the_budget_503_with_the_statement_cancelled()
    {
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "HL", 116.60, 39.80, 0.01);
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?>
        {
            ["Hardening:HeavyConcurrency"] = "1", ["Hardening:HeavyQueue"] = "0", ["Hardening:AnonymousRequestSeconds"] = "3",
        });
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        // hold the table so the first request stays inside the database while the second arrives
        await using var locker = await db.DataSource.OpenConnectionAsync();
        await using var tx = await locker.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE assets IN ACCESS EXCLUSIVE MODE", locker, tx)) await lockCmd.ExecuteNonQueryAsync();
        var sw = Stopwatch.StartNew();
        var first = http.GetAsync("/api/coverage/wifi?region=HL-C");
        // the second request goes once the first is inside PostgreSQL (waiting on the lock), not after a guessed delay
        for (var i = 0; i < 100; i++)
        {
            await using var q = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", locker, tx);
            if ((long)(await q.ExecuteScalarAsync())! > 0) break;
            await Task.Delay(50);
        }
        var second = await http.GetAsync("/api/coverage/wifi?region=HL-C&online_only=true");
        await ProblemAsync(second, HttpStatusCode.TooManyRequests, "request");
        Assert.True(second.Headers.Contains("Retry-After"));
        var p = await ProblemAsync(await first, HttpStatusCode.ServiceUnavailable, "request");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(8), $"{sw.Elapsed}");
        Assert.Contains("time budget", p.GetProperty("detail").GetString());
        // the statement was cancelled in PostgreSQL, not left waiting for the lock
        var waiting = -1L;
        for (var i = 0; i < 25 && waiting != 0; i++)
        {
            await Task.Delay(200);
            await using var q = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", locker, tx);
            waiting = (long)(await q.ExecuteScalarAsync())!;
        }
        Assert.Equal(0L, waiting);
        await tx.RollbackAsync();
    }

    // ---- finding 7: anonymous writes
    [Fact]
    public async Task Reports_are_limited_per_address_and_can_require_sign_in()
    {
        await using (var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Hardening:ReportsPerMinute"] = "2" }))
        {
            var http = app.CreateClient();
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 3; i++) statuses.Add((await http.PostAsync("/api/incidents", Json("""{"category":"nope","lon":116.6,"lat":39.8}"""))).StatusCode);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, statuses[0]);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, statuses[1]);
            var third = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "x", ["lat"] = "39.8", ["long"] = "116.6" }));
            await ProblemAsync(third, HttpStatusCode.TooManyRequests, "request");
        }
        await using (var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Hardening:ReportsRequireSignIn"] = "true" }))
        {
            await ProblemAsync(await app.CreateClient().PostAsync("/api/incidents", Json("""{"category":"x","lon":116.6,"lat":39.8}""")), HttpStatusCode.Unauthorized, "authorization");
        }
    }

    // ---- findings 6 and 9: input that gave 500s or silent answers
    [Theory]
    [InlineData("""{"polygon":{"type":"Polygon","coordinates":[[[116.6,39.8],[116.61,39.8],[116.61,39.81],[116.6,39.81]]]}}""")]
    [InlineData("""{"polygon":{"type":"Polygon","coordinates":[[[116.6,39.8],[116.61,39.8]]]}}""")]
    [InlineData("""{"polygon":{"type":"Polygon","coordinates":[[[116.6,39.8]]]}}""")]
    [InlineData("""{"polygon":{"type":5,"coordinates":[]}}""")]
    [InlineData("""{"polygon":{"type":"Junk","coordinates":[]}}""")]
    [InlineData("""{"polygon":{"type":"Polygon","coordinates":[]}}""")]
    public async Task Broken_polygons_for_coverage_are_400_naming_polygon(string body)
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        await ProblemAsync(await app.CreateClient().PostAsync("/api/coverage/area", Json(body)), HttpStatusCode.BadRequest, "polygon");
    }

    [Theory]
    [InlineData("/api/coverage/wifi?online_only=maybe", "online_only")]
    [InlineData("/api/coverage/reach?kind=kiosk&radius_m=-1", "radius_m")]
    [InlineData("/api/coverage/reach?kind=kiosk&radius_m=1e308", "radius_m")]
    public async Task Out_of_range_and_non_boolean_values_are_400_naming_the_parameter(string url, string parameter)
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        await ProblemAsync(await app.CreateClient().GetAsync(url), HttpStatusCode.BadRequest, parameter);
    }

    [Fact]
    public async Task Repeated_property_names_empty_coordinates_and_bad_json_are_400s()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var props = string.Join(",", Enumerable.Repeat("name", 51));
        var res = await http.GetAsync("/ogc/collections/shops/items?properties=" + props);
        Assert.True((int)res.StatusCode < 500, $"{(int)res.StatusCode}: {await res.Content.ReadAsStringAsync()}");
        await ProblemAsync(await http.PostAsync("/api/query/within", Json("""{"geometry":{"type":"Polygon","coordinates":[]}}""")), HttpStatusCode.BadRequest, "geometry");
        await ProblemAsync(await http.PostAsync("/api/coverage/area", Json("""{"polygon": [1,""")), HttpStatusCode.BadRequest, "body");
    }

    // ---- finding 11: sensitive aggregates
    [Fact]
    public void Anonymous_scorecard_values_hide_sensor_and_camera_counts()
    {
        var score = new RegionScore(1, "C1", "社区", "community", null, false, 1000,
            [new IndicatorResult("1.1.4", 7, true, "computed"), new IndicatorResult("3.3.1", 1.25, true, "computed"), new IndicatorResult("1.2.1", 2, true, "computed")],
            new Dimensions(50, 50, 50, null), 1, 1, 3, 3);
        var anon = ScorecardRedaction.For(new System.Security.Claims.ClaimsPrincipal(), score);
        Assert.Null(anon.Indicators.Single(i => i.Id == "1.1.4").Value);
        Assert.Null(anon.Indicators.Single(i => i.Id == "3.3.1").Value);
        Assert.True(anon.Indicators.Single(i => i.Id == "3.3.1").Passed);
        Assert.Equal(2, anon.Indicators.Single(i => i.Id == "1.2.1").Value);
        var planner = Geo.Core.Access.GeoClaims.Principal("t", 1, "p", GeoRoles.Planner, "p", null);
        Assert.Equal(7, ScorecardRedaction.For(planner, score).Indicators.Single(i => i.Id == "1.1.4").Value);
    }

    [Fact]
    public async Task Anonymous_choropleth_of_a_sensor_or_camera_indicator_is_refused_naming_the_indicator()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        foreach (var id in ScorecardRedaction.SensitiveValues)
        {
            var p = await ProblemAsync(await http.GetAsync($"/api/scorecard/choropleth?indicator={id}&level=subdistrict"), HttpStatusCode.Forbidden, "indicator");
            Assert.Contains("staff", p.GetProperty("detail").GetString());
        }
        // an indicator from public layers stays open to everyone
        var open = await http.GetAsync("/api/scorecard/choropleth?indicator=2.1.4&level=subdistrict");
        Assert.True(open.StatusCode == HttpStatusCode.OK, $"{(int)open.StatusCode}: {await open.Content.ReadAsStringAsync()}");
    }

    // ---- also: ids in problems, health, metrics
    [Fact]
    public async Task Problems_carry_the_request_id_and_trace_id_and_health_endpoints_answer()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var res = await http.GetAsync("/api/coverage/wifi?online_only=maybe");
        var p = await ProblemAsync(res, HttpStatusCode.BadRequest, "online_only");
        Assert.Equal(res.Headers.GetValues("X-Request-Id").Single(), p.GetProperty("request_id").GetString());
        Assert.Matches("^[0-9a-f]{32}$", p.GetProperty("trace_id").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        var staff = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        await staff.GetAsync("/tiles/shops/14/13494/6200.pbf");
        var metrics = await staff.GetStringAsync("/metrics");
        Assert.Contains("geo_database_up", metrics);
        Assert.Contains("http_server_request_duration", metrics);
    }
}
