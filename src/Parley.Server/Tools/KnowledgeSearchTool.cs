using System.Text;
using System.Text.Json.Nodes;
using Parley.Server.Knowledge;

namespace Parley.Server.Tools;

/// <summary>The <c>knowledge_search</c> built-in: passages from the tenant's knowledge base.</summary>
public sealed class KnowledgeSearchTool(IKnowledgeSearch knowledge) : IBuiltInTool
{
    public ToolDescriptor Descriptor { get; } = new("knowledge_search", "Knowledge search", "Search the knowledge base for passages that answer a question.", "search",
        new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["query"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 1000, ["description"] = "What to look for." },
                ["limit"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 10, ["description"] = "At most this many passages (default 3)." },
            },
            ["required"] = new JsonArray("query"),
            ["additionalProperties"] = false,
        });

    public async Task<ToolResult> InvokeAsync(ToolContext context, JsonObject arguments, IServiceProvider services, CancellationToken cancellationToken)
    {
        var query = arguments["query"]!.GetValue<string>();
        var limit = arguments["limit"] is JsonValue l && l.TryGetValue<int>(out var n) ? n : 3;
        var passages = await knowledge.SearchAsync(context.TenantId, query, limit, cancellationToken);
        if (passages.Count == 0)
        {
            return new ToolResult(true, "No passage of the knowledge base matches.", new JsonArray());
        }

        var summary = new StringBuilder($"{passages.Count} passage{(passages.Count == 1 ? "" : "s")} found:");
        var data = new JsonArray();
        foreach (var p in passages)
        {
            summary.Append($"\n- {p.Title} ({p.SourceName})");
            data.Add(new JsonObject
            {
                ["source_id"] = p.SourceId.ToString(),
                ["chunk_id"] = p.ChunkId.ToString(),
                ["title"] = p.Title,
                ["source"] = p.SourceName,
                ["url"] = p.Url,
                ["text"] = p.Text,
                ["score"] = Math.Round(p.Score, 4),
            });
        }

        return new ToolResult(true, summary.ToString(), data);
    }
}
