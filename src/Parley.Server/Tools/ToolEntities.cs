using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.ConversationModel;
using Parley.Server.Storage;

namespace Parley.Server.Tools;

/// <summary>An admin-defined HTTP tool (AI Assistant Platform <c>POST /tools</c>). <see cref="Name"/> is its registry id.</summary>
public sealed class CustomTool : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string DisplayName { get; set; }
    public string Description { get; set; } = "";
    public string Category { get; set; } = "custom";
    public required string Method { get; set; }
    public required string UrlTemplate { get; set; }

    /// <summary>JSON Schema (an object schema) the arguments must satisfy.</summary>
    public string Parameters { get; set; } = "{}";

    public string? SecretHeaderName { get; set; }

    /// <summary>Data Protection ciphertext; never returned.</summary>
    public string? SecretHeaderValue { get; set; }

    public int TimeoutSeconds { get; set; } = 15;
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// Built-in engine routing: a message whose intent (or one of whose keywords) matches runs the tool
/// and its result becomes the answer. <see cref="AssistantId"/> null is the tenant's default.
/// </summary>
public sealed class ToolRoute : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? AssistantId { get; set; }
    public required string Intent { get; set; }

    /// <summary>JSON array of phrases; any of them in the (redacted) message also selects the route.</summary>
    public string Keywords { get; set; } = "[]";

    public required string ToolId { get; set; }

    /// <summary>JSON object of arguments; string values may contain {message} and {intent}.</summary>
    public string Arguments { get; set; } = "{}";

    /// <summary>The answer text; {result} is replaced by the tool's summary.</summary>
    public string? ResponseTemplate { get; set; }

    public double MinConfidence { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One tool call, as logged: arguments PII-redacted, a short summary of the result.</summary>
public sealed class ToolCall : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string ToolId { get; set; }
    public Guid? ConversationId { get; set; }
    public Guid? UserId { get; set; }

    /// <summary>api (POST /tools/{id}/execute), built-in (intent route) or llm (function calling).</summary>
    public required string Source { get; set; }

    public string Arguments { get; set; } = "{}";
    public bool Success { get; set; }
    public string ResultSummary { get; set; } = "";
    public string? Error { get; set; }
    public double DurationMs { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class ToolCallSources
{
    public const string Api = "api";
    public const string BuiltIn = "built-in";
    public const string Llm = "llm";
}

internal sealed class CustomToolConfiguration : IEntityTypeConfiguration<CustomTool>
{
    public void Configure(EntityTypeBuilder<CustomTool> builder)
    {
        builder.ToTable("custom_tools");
        builder.HasIndex(t => new { t.TenantId, t.Name }).IsUnique();
    }
}

internal sealed class ToolRouteConfiguration : IEntityTypeConfiguration<ToolRoute>
{
    public void Configure(EntityTypeBuilder<ToolRoute> builder) => builder.ToTable("tool_routes");
}

internal sealed class ToolCallConfiguration : IEntityTypeConfiguration<ToolCall>
{
    public void Configure(EntityTypeBuilder<ToolCall> builder)
    {
        builder.ToTable("tool_calls");
        // Declared so EF inserts a conversation started in the same unit of work before its tool calls.
        builder.HasOne<Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.SetNull);
    }
}
