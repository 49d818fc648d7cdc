using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Server.Assistants;
using Parley.Server.ConversationModel;

namespace Parley.Server.Conversations.Llm;

/// <summary>
/// Answers with an OpenAI-compatible model, grounded in the retrieved passages: tokens are passed
/// on as they arrive, then one final answer whose citations are the passages its [n] markers name.
/// Any failure (provider error, silence, open circuit) is thrown; <see cref="TurnPipeline"/> then
/// answers with the built-in engine and records <c>fallback: true</c>.
/// </summary>
public sealed class LlmAnswerGenerator(IChatClient chat, LlmResilience resilience, IOptions<LlmOptions> options, ILogger<LlmAnswerGenerator> logger)
    : IAnswerGenerator
{
    public const string EngineName = "llm";

    /// <summary>Model answers are never served from the response cache: they read the conversation so far.</summary>
    public bool UsesHistory => true;

    /// <summary>The configured history, plus room for messages the prompt leaves out (system notes, empty ones).</summary>
    public int HistoryMessages => options.Value.HistoryMessages + 10;

    public IAsyncEnumerable<AnswerChunk> GenerateAsync(AnswerContext context, CancellationToken cancellationToken)
        => GenerateAsync(context, context.Overrides, cancellationToken);

    /// <summary>As <see cref="GenerateAsync(AnswerContext, CancellationToken)"/>, with one assistant's model, temperature or persona.</summary>
    public async IAsyncEnumerable<AnswerChunk> GenerateAsync(AnswerContext context, LlmOverrides? overrides, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (messages, chatOptions) = LlmPrompt.Build(context, settings, overrides);
        var promptChars = messages.Sum(m => m.Text.Length);
        logger.LogDebug("LLM prompt for conversation {ConversationId}: {Messages} messages, {Characters} characters, {Passages} passages",
            context.Conversation.Id, messages.Count, promptChars, context.Passages.Count);

        var started = Stopwatch.GetTimestamp();
        double? firstTokenMs = null;
        var text = new StringBuilder();
        UsageDetails? usage = null;
        string? model = null;
        var tools = new LlmToolLoop(context.Tools, chatOptions, started);
        while (true)
        {
            var calls = new List<FunctionCallContent>();
            UsageDetails? stepUsage = null;
            await foreach (var update in resilience.StreamAsync(chat, messages, chatOptions, cancellationToken))
            {
                model ??= update.ModelId;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent reported)
                    {
                        stepUsage = reported.Details;
                    }
                    else if (content is FunctionCallContent call)
                    {
                        calls.Add(call);
                    }
                }

                if (update.Text is { Length: > 0 } piece)
                {
                    firstTokenMs ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    text.Append(piece);
                    yield return AnswerChunk.Text(piece);
                }
            }

            usage = LlmToolLoop.Add(usage, stepUsage);
            // Function calling: run what the model asked for, hand back the results, ask again; within bounds.
            if (calls.Count == 0 || !await tools.RunAsync(calls, messages, usage, cancellationToken))
            {
                break;
            }
        }

        if (text.Length == 0)
        {
            throw new LlmProviderException("The model returned an empty answer.");
        }

        var answer = Finish(context, text.ToString(), usage, promptChars, model ?? chatOptions.ModelId ?? settings.Model, settings);
        answer = answer with { Metadata = tools.Describe(answer.Metadata) };
        logger.LogInformation(
            "LLM answered conversation {ConversationId} with {Model}: {PromptTokens}+{CompletionTokens} tokens, {Citations} citations, first token after {FirstTokenMs} ms, done after {TotalMs} ms",
            context.Conversation.Id, answer.Metadata["model"], answer.Metadata["prompt_tokens"], answer.Metadata["completion_tokens"], answer.Citations.Count,
            Math.Round(firstTokenMs ?? 0, 1), Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1));
        yield return AnswerChunk.Done(answer);
    }

    private static Answer Finish(AnswerContext context, string text, UsageDetails? usage, int promptChars, string model, LlmOptions settings)
    {
        var citations = context.Escalating ? [] : LlmCitations.Cited(text, context.Passages);
        var estimated = usage?.InputTokenCount is null || usage.OutputTokenCount is null;
        var promptTokens = usage?.InputTokenCount ?? LlmCitations.EstimateTokens(promptChars);
        var completionTokens = usage?.OutputTokenCount ?? LlmCitations.EstimateTokens(text.Length);
        var metadata = new Dictionary<string, object?>
        {
            ["engine"] = EngineName,
            ["model"] = model,
            ["provider_host"] = settings.Endpoint.Authority,
            ["prompt_tokens"] = promptTokens,
            ["completion_tokens"] = completionTokens,
        };
        if (estimated)
        {
            metadata["tokens_estimated"] = true;
        }

        var total = (int)Math.Min(int.MaxValue, usage?.TotalTokenCount ?? promptTokens + completionTokens);
        return new Answer(text, LlmCitations.Confidence(context, citations), citations, EngineName, total, metadata);
    }
}
