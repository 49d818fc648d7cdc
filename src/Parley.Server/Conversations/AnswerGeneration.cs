using System.Runtime.CompilerServices;
using Parley.Server.Assistants;
using Parley.Server.ConversationModel;
using Parley.Server.Knowledge;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

/// <summary>Everything an answerer may use for one turn. <see cref="Question"/> is already redacted; <see cref="Tools"/> is set when tools may be called.</summary>
public sealed record AnswerContext(
    Conversation Conversation,
    IReadOnlyList<Message> History,
    string Question,
    MessageUnderstanding Understanding,
    IReadOnlyList<Passage> Passages,
    bool Escalating,
    LlmOverrides? Overrides = null,
    Tools.ToolSession? Tools = null);

/// <summary>A streamed piece of an answer: tokens first, then exactly one final chunk with the whole answer.</summary>
public sealed record AnswerChunk(string? Token, Answer? Final)
{
    public static AnswerChunk Text(string token) => new(token, null);
    public static AnswerChunk Done(Answer answer) => new(null, answer);
}

/// <summary>Something that writes the bot's answer: the built-in engine, or an LLM provider.</summary>
public interface IAnswerGenerator
{
    /// <summary>Whether <see cref="AnswerContext.History"/> is read (answers then depend on the conversation so far).</summary>
    bool UsesHistory => HistoryMessages > 0;

    /// <summary>How many of the latest messages <see cref="AnswerContext.History"/> should hold (0: none are read).</summary>
    int HistoryMessages => 0;

    IAsyncEnumerable<AnswerChunk> GenerateAsync(AnswerContext context, CancellationToken cancellationToken);
}

/// <summary>The built-in engine as a generator: its answer, streamed word by word.</summary>
public sealed class BuiltInAnswerGenerator(BuiltInAnswerEngine engine) : IAnswerGenerator
{
    public async IAsyncEnumerable<AnswerChunk> GenerateAsync(AnswerContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var answer = engine.Answer(context.Understanding, context.Passages, context.Escalating, BuiltInAnswerEngine.PersonComing(context.Conversation), context.Question);
        foreach (var token in Tokens.Split(answer.Text))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return AnswerChunk.Text(token);
        }

        await Task.CompletedTask;
        yield return AnswerChunk.Done(answer with { TokensUsed = Tokens.Split(answer.Text).Count });
    }
}

public static class Tokens
{
    /// <summary>Words with their trailing space, so the pieces concatenate back to the text.</summary>
    public static List<string> Split(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ')
            {
                tokens.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            tokens.Add(text[start..]);
        }

        return tokens;
    }
}

/// <summary>Hears a turn as it happens (WebSocket and SSE relays); every method is optional.</summary>
public interface ITurnObserver
{
    ValueTask ThinkingAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    ValueTask UserMessageStoredAsync(Message message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    ValueTask TokenAsync(string token, int index, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The tokens sent so far are void (the provider failed mid-stream); a new answer follows.</summary>
    ValueTask ResetAsync(string reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
