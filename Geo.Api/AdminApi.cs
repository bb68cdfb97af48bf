using System.Security.Claims;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Geo.Api;

/// <summary>The admin console's accounts, device keys and audit trail over HTTP (admins only): the same
/// <see cref="AccountDirectory"/> use case the <c>/admin</c> page calls.</summary>
public static class AdminApi
{
    public sealed record AccountIn(string? UserName, string? Password, string? Role, string? DisplayName, string? GridManager);

    public sealed record AccountChangeIn(string? Role, string? GridManager, bool? Disabled, string? DisplayName, string? Password);

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(GeoPolicies.Admin).Cheap();

        group.MapGet("/accounts", async Task<Ok<AccountPage>> (string? q, string? after, string? limit, AccountDirectory accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.ListAsync(q, after is null ? null : QueryValues.Id(after, "an account id", "after"),
                (int)QueryValues.Integer("limit", limit, 50, 1, AccountDirectory.MaxPage), ct)))
            .WithSummary("Accounts, by id, 50 a page (`limit` ≤ 200, keyset `after` = the page's `next`); `q` finds user name, display name, role or grid manager");
        group.MapPost("/accounts", async Task<Created<AccountRow>> (AccountIn body, ClaimsPrincipal user, AccountDirectory accounts, CancellationToken ct) =>
        {
            var row = await accounts.CreateAsync(user, new NewAccount(body.UserName, body.Password, body.Role, body.DisplayName, body.GridManager), ct);
            return TypedResults.Created($"/api/admin/accounts/{row.Id}", row);
        }).WithSummary("Create an account (user_name, password ≥ 8 characters, role, display_name, grid_manager for grid managers); a taken name is a 409; audited");
        group.MapGet("/accounts/{id}", async Task<Ok<AccountRow>> (string id, AccountDirectory accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.GetAsync(QueryValues.Id(id, "an account id"), ct))).WithSummary("One account, with its sign-in lockout if any");
        group.MapPatch("/accounts/{id}", async Task<Ok<AccountRow>> (string id, AccountChangeIn body, ClaimsPrincipal user, AccountDirectory accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.ChangeAsync(user, QueryValues.Id(id, "an account id"),
                new AccountChange(body.Role, body.GridManager, body.Disabled, body.DisplayName, body.Password), ct)))
            .WithSummary("Change role, grid_manager, display_name, disabled, or reset the password; never one's own role or account, never the last enabled admin (422); audited");
        group.MapPost("/accounts/{id}/unlock", async Task<Ok<AccountRow>> (string id, ClaimsPrincipal user, AccountDirectory accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.UnlockAsync(user, QueryValues.Id(id, "an account id"), ct)))
            .WithSummary("Clear the account's sign-in lockout on this node (lockouts are kept per node); audited");
        group.MapGet("/keys", async Task<Ok<IReadOnlyList<ApiKeyRow>>> (AccountDirectory accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.KeysAsync(ct))).WithSummary("API keys (never the key itself): live first, with their bound sensors");
        group.MapPost("/keys/{id}/revoke", async Task<Ok<ApiKeyRow>> (string id, ClaimsPrincipal user, AccountDirectory accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.RevokeKeyAsync(user, QueryValues.Id(id, "an API key id"), ct)))
            .WithSummary("Revoke an API key at once (idempotent); audited");
        group.MapGet("/audit", async Task<Ok<IReadOnlyList<AuditRow>>> (string? q, string? before, string? limit, AccountDirectory accounts, CancellationToken ct) =>
            TypedResults.Ok(await accounts.AuditAsync(q, before is null ? null : QueryValues.Id(before, "an audit id", "before"),
                (int)QueryValues.Integer("limit", limit, 100, 1, AccountDirectory.MaxPage), ct)))
            .WithSummary("The account audit trail, newest first; `q` searches actor, action, target and detail; `before` pages back");
        return group;
    }
}
