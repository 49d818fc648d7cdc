using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server.Tasks.Analysis;

/// <summary>
/// Turns figures into the result Three-Database Chatbot shows. When an LLM is configured (Parley:Llm) it writes the
/// summary, insights and recommendations from the figures (as JSON); otherwise, or if its answer
/// is unusable, the statements derived from the figures are the result. Either way every number
/// comes from <see cref="Figures.Quantitative"/>.
/// </summary>
public sealed class InsightWriter(IServiceProvider services, ILogger<InsightWriter> logger)
{
    public async Task<TaskResults> WriteAsync(string description, string source, Figures figures, CancellationToken cancellationToken)
    {
        if (services.GetService<IChatClient>() is { } chat)
        {
            var figuresJson = JsonSerializer.Serialize(figures.Quantitative, TaskJson.Options);
            var written = await AskAsync(chat, LlmPrompt(description, figuresJson, figures), cancellationToken);
            if (written is not null)
            {
                return new TaskResults(written.Value.Summary, written.Value.Insights, figures.Quantitative, written.Value.Recommendations, null, "llm", source);
            }
        }

        return new TaskResults(figures.Summary, figures.Insights, figures.Quantitative, figures.Recommendations, null, "figures", source);
    }

    private static string LlmPrompt(string description, string figuresJson, Figures figures) => $$"""
        The analyst asked: {{description}}
        Figures measured (JSON): {{figuresJson}}
        Observations already derived: {{string.Join(" ", figures.Insights)}}
        Answer with one JSON object and nothing else: {"summary": "...", "insights": ["..."], "recommendations": ["..."]}.
        Use only the figures given; quote the numbers you rely on; 3-6 insights, 2-5 recommendations.
        """;

    internal async Task<(string Summary, List<string> Insights, List<string> Recommendations)?> AskAsync(IChatClient chat, string prompt, CancellationToken cancellationToken)
    {
        try
        {
            var response = await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, "You are a careful support-operations analyst. You never invent figures."), new ChatMessage(ChatRole.User, prompt)],
                new ChatOptions { Temperature = 0.2f }, cancellationToken);
            var text = response.Text ?? string.Empty;
            var start = text.IndexOf('{', StringComparison.Ordinal);
            var end = text.LastIndexOf('}');
            if (start < 0 || end <= start)
            {
                return null;
            }

            using var json = JsonDocument.Parse(text[start..(end + 1)]);
            var root = json.RootElement;
            var summary = root.GetProperty("summary").GetString();
            var insights = root.GetProperty("insights").EnumerateArray().Select(e => e.GetString()).OfType<string>().ToList();
            var recommendations = root.GetProperty("recommendations").EnumerateArray().Select(e => e.GetString()).OfType<string>().ToList();
            return string.IsNullOrWhiteSpace(summary) || insights.Count == 0 ? null : (summary, insights, recommendations);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "The LLM could not write the task's prose; using the statements derived from the figures");
            return null;
        }
    }
}
