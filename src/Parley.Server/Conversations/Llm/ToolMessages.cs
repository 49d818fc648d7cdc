using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Parley.Server.Conversations.Llm;

/// <summary>Function calling between Microsoft.Extensions.AI's contents and the OpenAI SDK's messages and tools.</summary>
internal static class ToolMessages
{
    /// <summary>An assistant message with tool calls, or a tool result; null for any other message.</summary>
    public static OpenAI.Chat.ChatMessage? From(AiChatMessage message)
    {
        if (message.Role == ChatRole.Tool)
        {
            var result = message.Contents.OfType<FunctionResultContent>().FirstOrDefault();
            return result is null ? null : new ToolChatMessage(result.CallId, result.Result as string ?? JsonSerializer.Serialize(result.Result));
        }

        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        if (message.Role != ChatRole.Assistant || calls.Count == 0)
        {
            return null;
        }

        var assistant = new AssistantChatMessage(calls.Select(c => ChatToolCall.CreateFunctionToolCall(
            c.CallId, c.Name, BinaryData.FromString(JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>())))));
        if (message.Text is { Length: > 0 } text)
        {
            assistant.Content.Add(ChatMessageContentPart.CreateTextPart(text));
        }

        return assistant;
    }

    public static void AddTools(ChatCompletionOptions sdkOptions, ChatOptions? options)
    {
        foreach (var tool in options?.Tools ?? [])
        {
            if (tool is AIFunctionDeclaration function)
            {
                sdkOptions.Tools.Add(ChatTool.CreateFunctionTool(function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText())));
            }
        }

        if (sdkOptions.Tools.Count > 0 && options?.ToolMode is NoneChatToolMode)
        {
            sdkOptions.ToolChoice = ChatToolChoice.CreateNoneChoice();
        }
    }
}

/// <summary>Collects streamed tool-call fragments by their index.</summary>
internal sealed class ToolCallAssembler
{
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _calls = [];

    public bool Any => _calls.Count > 0;

    public void Add(IReadOnlyList<StreamingChatToolCallUpdate> updates)
    {
        foreach (var update in updates)
        {
            if (!_calls.TryGetValue(update.Index, out var call))
            {
                call = (null, null, new StringBuilder());
            }

            call.Id ??= update.ToolCallId;
            call.Name ??= update.FunctionName;
            if (update.FunctionArgumentsUpdate is { } fragment && !fragment.ToMemory().IsEmpty)
            {
                call.Arguments.Append(fragment.ToString());
            }

            _calls[update.Index] = call;
        }
    }

    public List<FunctionCallContent> Drain()
    {
        var calls = _calls.Values.Select(c => Parse(c.Id ?? Guid.NewGuid().ToString("N"), c.Name ?? "", c.Arguments.ToString())).ToList();
        _calls.Clear();
        return calls;
    }

    /// <summary>Arguments that are not a JSON object are kept as the call's <see cref="FunctionCallContent.Exception"/>, so the model can be told.</summary>
    public static FunctionCallContent Parse(string id, string name, string arguments)
    {
        try
        {
            var parsed = string.IsNullOrWhiteSpace(arguments) ? [] : JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments);
            return new FunctionCallContent(id, name, parsed ?? []);
        }
        catch (JsonException e)
        {
            return new FunctionCallContent(id, name) { Exception = e };
        }
    }
}
