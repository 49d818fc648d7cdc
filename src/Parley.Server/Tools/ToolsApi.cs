using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Storage;

namespace Parley.Server.Tools;

/// <summary>
/// The AI Assistant Platform document: <c>/tools</c>. Everyone signed in reads the registry; admins create, change and
/// delete custom HTTP tools; agents and admins run a tool directly and read the call log.
/// </summary>
public static class ToolsApi
{
    private static readonly ListSpec<ToolCall> CallsSpec = new ListSpec<ToolCall>(c => c.Id)
        .SortBy("created_at", c => c.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("duration_ms", c => c.DurationMs)
        .FilterBy("tool_id", v => c => c.ToolId == v)
        .FilterBy("conversation_id", v => Guid.TryParse(v, out var id) ? c => c.ConversationId == id : null)
        .FilterBy("source", v => v is ToolCallSources.Api or ToolCallSources.BuiltIn or ToolCallSources.Llm ? c => c.Source == v : null)
        .FilterBy("success", v => bool.TryParse(v, out var b) ? c => c.Success == b : null);

    public static RouteGroupBuilder MapTools(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tools").WithTags("Tools").AddEndpointFilter<ValidationFilter>();
        group.MapGet("", ListAsync);
        group.MapGet("/calls", CallsAsync).RequireAuthorization(AuthSetup.Policies.Agent);
        group.MapGet("/{id}", GetAsync);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPut("/{id}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPatch("/{id}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPost("/{id}/execute", ExecuteAsync).RequireAuthorization(AuthSetup.Policies.Agent);
        group.MapToolRoutes();
        return group;
    }

    /// <summary>AI Assistant Platform's <c>{"items": [...]}</c> with the page figures; <c>category</c> and <c>search</c> narrow it.</summary>
    private static async Task<Results<PagedResult<ToolView>, ErrorResult>> ListAsync(
        ToolRegistry registry, PageQuery query, string? category, CancellationToken cancellationToken)
    {
        if (query.Errors.Count > 0 || query.Filters.Count > 0 || query.Sort.Count > 0)
        {
            return ErrorResult.InvalidQuery([.. query.Errors, .. query.Filters.Keys.Select(f => new FieldError($"filter[{f}]", "Use category= or search=.")),
                .. query.Sort.Select(_ => new FieldError("sort", "Tools are listed built-ins first, then by id."))]);
        }

        var tools = (await registry.ListAsync(cancellationToken)).Select(ToolView.From)
            .Where(t => category is null || t.Category == category)
            .Where(t => query.Search is not { } term || t.Id.Contains(term, StringComparison.OrdinalIgnoreCase)
                || t.Name.Contains(term, StringComparison.OrdinalIgnoreCase) || t.Description.Contains(term, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return new PagedResult<ToolView>(PageOf<ToolView>.Slice(tools, query));
    }

    private static async Task<Results<Ok<ToolView>, ErrorResult>> GetAsync(string id, ToolRegistry registry, CancellationToken cancellationToken)
        => await registry.FindAsync(id, cancellationToken) is { } tool ? TypedResults.Ok(ToolView.From(tool)) : ErrorResult.NotFound("Tool");

    private static async Task<Results<Created<ToolView>, ErrorResult>> CreateAsync(
        CustomToolRequest request, ParleyDb db, CurrentUser me, ToolRegistry registry, CustomToolRunner runner, SecretProtector secrets, TimeProvider clock,
        Infrastructure.Caching.TenantChanges changes, IOptions<ToolOptions> options, CancellationToken cancellationToken)
    {
        var slug = request.Slug!;
        if (registry.IsSystemName(slug))
        {
            return ErrorResult.Conflict($"'{slug}' is the id of a built-in or integration tool; choose another id.");
        }

        if (await db.Set<CustomTool>().AnyAsync(t => t.Name == slug, cancellationToken))
        {
            return ErrorResult.Conflict($"A tool with id '{slug}' already exists.");
        }

        var (schema, errors) = ToolSchemas.Normalize(request.Parameters, options.Value);
        if (runner.CheckTemplate(request.EffectiveUrl) is { } problem)
        {
            errors = [.. errors, new FieldError("url_template", problem)];
        }

        if (errors.Count > 0)
        {
            return ErrorResult.Validation(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tool = new CustomTool
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            Name = slug,
            DisplayName = request.Name!.Trim(),
            Description = request.Description?.Trim() ?? "",
            Category = request.Category?.Trim() is { Length: > 0 } category ? category : "custom",
            Method = request.Method!.ToUpperInvariant(),
            UrlTemplate = request.EffectiveUrl!.Trim(),
            Parameters = schema!.ToJsonString(),
            SecretHeaderName = request.HeaderName,
            SecretHeaderValue = request.HeaderValue is { Length: > 0 } secret ? secrets.Protect(secret) : null,
            TimeoutSeconds = request.TimeoutSeconds ?? 15,
            CreatedBy = me.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(tool);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(tool.TenantId, CancellationToken.None);
        return TypedResults.Created($"/api/v1/tools/{tool.Name}", ToolView.From(new RegisteredTool(CustomToolViews.Descriptor(tool), ToolKinds.Custom, null!, tool)));
    }

    /// <summary>Fields left out keep their value; an empty <c>secret_header_value</c> removes the secret header.</summary>
    private static async Task<Results<Ok<ToolView>, ErrorResult>> UpdateAsync(
        string id, CustomToolUpdate request, ParleyDb db, ToolRegistry registry, CustomToolRunner runner, SecretProtector secrets, TimeProvider clock,
        Infrastructure.Caching.TenantChanges changes, IOptions<ToolOptions> options, CancellationToken cancellationToken)
    {
        var tool = await db.Set<CustomTool>().FirstOrDefaultAsync(t => t.Name == id, cancellationToken);
        if (tool is null)
        {
            return registry.IsSystemName(id) ? ErrorResult.Conflict("Built-in and integration tools cannot be changed.") : ErrorResult.NotFound("Tool");
        }

        var body = request.Body;
        var errors = new List<FieldError>();
        if (body.Parameters is not null)
        {
            var (schema, problems) = ToolSchemas.Normalize(body.Parameters, options.Value);
            errors.AddRange(problems);
            tool.Parameters = schema?.ToJsonString() ?? tool.Parameters;
        }

        if (body.EffectiveUrl is { } url)
        {
            if (runner.CheckTemplate(url) is { } problem)
            {
                errors.Add(new FieldError("url_template", problem));
            }

            tool.UrlTemplate = url.Trim();
        }

        if (errors.Count > 0)
        {
            return ErrorResult.Validation(errors);
        }

        tool.DisplayName = body.Name?.Trim() ?? tool.DisplayName;
        tool.Description = body.Description?.Trim() ?? tool.Description;
        tool.Category = body.Category?.Trim() is { Length: > 0 } category ? category : tool.Category;
        tool.Method = body.Method?.ToUpperInvariant() ?? tool.Method;
        tool.TimeoutSeconds = body.TimeoutSeconds ?? tool.TimeoutSeconds;
        tool.SecretHeaderName = body.HeaderName ?? tool.SecretHeaderName;
        if (body.HeaderValue is { } secret)
        {
            tool.SecretHeaderValue = secret.Length == 0 ? null : secrets.Protect(secret);
        }

        if (tool.SecretHeaderValue is not null && tool.SecretHeaderName is null)
        {
            return ErrorResult.Validation("secret_header_name", "Required with a secret header value.");
        }

        tool.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(tool.TenantId, CancellationToken.None);
        return TypedResults.Ok(ToolView.From(new RegisteredTool(CustomToolViews.Descriptor(tool), ToolKinds.Custom, null!, tool)));
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(
        string id, ParleyDb db, ToolRegistry registry, Infrastructure.Caching.TenantChanges changes, CancellationToken cancellationToken)
    {
        var tool = await db.Set<CustomTool>().FirstOrDefaultAsync(t => t.Name == id, cancellationToken);
        if (tool is null)
        {
            return registry.IsSystemName(id) ? ErrorResult.Conflict("Built-in and integration tools cannot be deleted.") : ErrorResult.NotFound("Tool");
        }

        db.Remove(tool);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(tool.TenantId, CancellationToken.None);
        return TypedResults.NoContent();
    }

    /// <summary>Runs a tool now, as the caller; 422 (nothing run, nothing logged) when the arguments fail the schema.</summary>
    private static async Task<Results<Ok<ToolExecutionView>, ErrorResult>> ExecuteAsync(
        string id, ExecuteToolRequest? request, ToolExecutor executor, CurrentUser me, ParleyDb db, CancellationToken cancellationToken)
    {
        Conversation? conversation = null;
        // Agents and admins may name any conversation of their tenant, customers their own (as everywhere).
        var visible = me.IsAgentOrAdmin ? db.Conversations : db.Conversations.Where(c => c.UserId == me.UserId);
        if (request?.ConversationId is { } conversationId && (conversation = await visible.FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken)) is null)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var context = new ToolContext(me.RequiredTenantId, me.UserId, me.Role, conversation?.Id, conversation?.AssistantId);
        var run = await executor.ExecuteAsync(context, id, request?.Arguments ?? [], ToolCallSources.Api, conversation, logRefusals: false, cancellationToken);
        if (run.NotFound)
        {
            return ErrorResult.NotFound("Tool");
        }

        if (run.Invalid.Count > 0)
        {
            return ErrorResult.Validation(run.Invalid);
        }

        await db.SaveChangesAsync(cancellationToken);
        var result = run.Result!;
        return TypedResults.Ok(new ToolExecutionView(ToolCallView.From(run.Call!), result.Success, result.Success ? "completed" : "failed", result.Summary, result.Data, result.Error));
    }

    private static Task<Results<PagedResult<ToolCallView>, ErrorResult>> CallsAsync(ParleyDb db, PageQuery query, CancellationToken cancellationToken)
        => CallsSpec.ToPageAsync(db.Set<ToolCall>().AsNoTracking(), query, ToolCallView.From, cancellationToken);
}
