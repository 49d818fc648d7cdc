using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Integrations;

namespace Parley.Server.Tools;

/// <summary>AI Assistant Platform's tool as listed: id, name, description, category, parameters (JSON Schema), and what kind it is.</summary>
public sealed record ToolView(
    string Id, string Name, string Description, string Category, JsonObject Parameters, string Kind,
    string? Method = null, string? UrlTemplate = null, string? SecretHeaderName = null, bool? HasSecretHeader = null,
    int? TimeoutSeconds = null, Guid? Uuid = null, DateTime? CreatedAt = null, DateTime? UpdatedAt = null)
{
    public static ToolView From(RegisteredTool tool) => tool.Custom is { } c
        ? new(c.Name, c.DisplayName, c.Description, c.Category, IntegrationConfig.Parse(c.Parameters), ToolKinds.Custom,
            c.Method, c.UrlTemplate, c.SecretHeaderName, c.SecretHeaderValue is not null, c.TimeoutSeconds, c.Id, c.CreatedAt, c.UpdatedAt)
        : new(tool.Descriptor.Id, tool.Descriptor.Name, tool.Descriptor.Description, tool.Descriptor.Category, tool.Descriptor.Parameters, tool.Kind);
}

public static class CustomToolViews
{
    public static ToolDescriptor Descriptor(CustomTool t) => new(t.Name, t.DisplayName, t.Description, t.Category, IntegrationConfig.Parse(t.Parameters));
}

/// <summary>A secret header given as an object (<c>{"name": "...", "value": "..."}</c>).</summary>
public sealed record SecretHeader(string? Name, string? Value);

/// <summary>
/// <c>POST /tools</c> and <c>PUT /tools/{id}</c>. <c>id</c> is the tool's registry id (derived from
/// <c>name</c> when omitted); <c>url_template</c> may be sent as <c>url</c>; the secret header as
/// <c>secret_header_name</c>/<c>secret_header_value</c> or <c>secret_header: {name, value}</c>.
/// </summary>
public sealed record CustomToolRequest(
    string? Id, string? Name, string? Description, string? Category, string? Method, string? UrlTemplate, string? Url, JsonObject? Parameters,
    string? SecretHeaderName, string? SecretHeaderValue, SecretHeader? SecretHeader, int? TimeoutSeconds) : IValidatable
{
    public string? EffectiveUrl => UrlTemplate ?? Url;
    public string? HeaderName => SecretHeader?.Name ?? SecretHeaderName;
    public string? HeaderValue => SecretHeader?.Value ?? SecretHeaderValue;

    public string? Slug => Id ?? (Name is null ? null : new string(Name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()));

    public IEnumerable<FieldError> Validate() => ValidateFor(creating: true);

    public IEnumerable<FieldError> ValidateFor(bool creating)
    {
        if (creating)
        {
            foreach (var e in Check.Required("name", Name))
            {
                yield return e;
            }

            if (Method is null)
            {
                yield return new FieldError("method", "Field required: GET, POST, PUT, PATCH or DELETE.");
            }

            if (EffectiveUrl is null)
            {
                yield return new FieldError("url_template", "Field required.");
            }
        }

        foreach (var e in Check.MaxLength("name", Name, 100).Concat(Check.MaxLength("description", Description, 2000)).Concat(Check.MaxLength("category", Category, 50)))
        {
            yield return e;
        }

        if (creating && Slug is { } slug && (slug.Length is 0 or > 64 || !(char.IsAsciiLetterLower(slug[0]) && slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))))
        {
            yield return new FieldError("id", "Lower-case letters, digits and '_', starting with a letter, at most 64 characters.");
        }

        if (Method is not null && !CustomToolRunner.Methods.Contains(Method.ToUpperInvariant()))
        {
            yield return new FieldError("method", "One of: GET, POST, PUT, PATCH, DELETE.");
        }

        if (HeaderName is not null && (HeaderName.Length is 0 or > 100 || HeaderName.Any(c => c <= ' ' || c == ':' || c > '~')))
        {
            yield return new FieldError("secret_header_name", "A header name (letters, digits, '-').");
        }

        if (HeaderValue is { Length: > 8000 } || (HeaderValue is not null && HeaderValue.Any(c => c is '\r' or '\n')))
        {
            yield return new FieldError("secret_header_value", "At most 8000 characters, one line.");
        }

        if (HeaderValue is not null && HeaderName is null && creating)
        {
            yield return new FieldError("secret_header_name", "Required with a secret header value.");
        }

        if (TimeoutSeconds is < 1 or > 120)
        {
            yield return new FieldError("timeout_seconds", "From 1 to 120.");
        }

        if (Parameters is not null && Parameters.ToJsonString().Length > 32_000)
        {
            yield return new FieldError("parameters", "At most 32000 characters.");
        }
    }
}

public sealed record CustomToolUpdate(
    string? Name, string? Description, string? Category, string? Method, string? UrlTemplate, string? Url, JsonObject? Parameters,
    string? SecretHeaderName, string? SecretHeaderValue, SecretHeader? SecretHeader, int? TimeoutSeconds) : IValidatable
{
    public CustomToolRequest Body => new(null, Name, Description, Category, Method, UrlTemplate, Url, Parameters, SecretHeaderName, SecretHeaderValue, SecretHeader, TimeoutSeconds);

    public IEnumerable<FieldError> Validate() => Body.ValidateFor(creating: false);
}

/// <summary><c>POST /tools/{id}/execute</c>: the arguments, and the conversation the call belongs to (optional).</summary>
public sealed record ExecuteToolRequest(JsonObject? Arguments, Guid? ConversationId);

public sealed record ToolCallView(
    Guid Id, string ToolId, Guid? ConversationId, Guid? UserId, string Source, JsonNode? Arguments, bool Success, string Status,
    string ResultSummary, string? Error, double DurationMs, DateTime CreatedAt)
{
    public static ToolCallView From(ToolCall c) => new(c.Id, c.ToolId, c.ConversationId, c.UserId, c.Source, Parse(c.Arguments), c.Success,
        c.Success ? "completed" : "failed", c.ResultSummary, c.Error, c.DurationMs, c.CreatedAt);

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The answer of an execution: the call as logged, and the tool's data.</summary>
public sealed record ToolExecutionView(ToolCallView Call, bool Success, string Status, string Result, JsonNode? Data, string? Error);
