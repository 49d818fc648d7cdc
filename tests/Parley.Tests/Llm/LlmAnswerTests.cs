using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Conversations;
using Parley.Server.Conversations.Llm;

namespace Parley.Tests.Llm;

/// <summary>Turns answered by an OpenAI-compatible model, seen through Parley's HTTP API and at the model server.</summary>
public sealed class LlmAnswerTests(LlmApp app) : IClassFixture<LlmApp>
{
    [Fact]
    public async Task A_turn_is_answered_with_the_models_streamed_text_and_its_usage_is_recorded()
    {
        Assert.IsType<LlmAnswerGenerator>(app.Services.GetRequiredService<IAnswerGenerator>());
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Stream("You can reset it ", "under Settings > Security ", "[1]."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How do I reset my password? {scenario.Tag}");

        Assert.Equal("You can reset it under Settings > Security [1].", turn.Text("response"));
        Assert.Equal("llm", turn.Text("engine"));
        Assert.Equal(120 + 3, turn.GetProperty("tokens_used").GetInt32());
        Assert.Equal("You can reset it under Settings > Security [1].", bot.Text("content"));
        var metadata = bot.Metadata();
        Assert.Equal("llm", metadata.Text("engine"));
        Assert.Equal("test-model", metadata.Text("model"));
        Assert.Equal(app.Fake.BaseAddress.Authority, metadata.Text("provider_host"));
        Assert.Equal(120, metadata.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, metadata.GetProperty("completion_tokens").GetInt32());
        Assert.False(bot.IsFallback());
        Assert.False(metadata.TryGetProperty("tokens_estimated", out _));
        Assert.DoesNotContain(LlmApp.ApiKey, bot.GetRawText(), StringComparison.Ordinal);

        var request = Assert.Single(scenario.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {LlmApp.ApiKey}", request.Authorization);
        Assert.True(request.Streamed);
        Assert.True(request.Body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("test-model", request.Body.Text("model"));
        Assert.Equal(0.1, request.Body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(300, request.Body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Citation_markers_map_back_to_the_passages_they_name()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Stream("Refunds take 5 business days [2]; ", "delivery takes 3 to 5 days [3][2]. ", "See also [9]."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"When will my refund and parcel arrive? {scenario.Tag}");

        var expected = new[] { FixedKnowledge.IdOf(FixedKnowledge.Refunds), FixedKnowledge.IdOf(FixedKnowledge.Shipping) };
        Assert.Equal(expected, turn.GetProperty("citations").EnumerateArray().Select(c => c.Text("id")));
        Assert.Equal(expected, bot.GetProperty("citations").EnumerateArray().Select(c => c.Text("id")));
        var refund = turn.GetProperty("citations")[0];
        Assert.Equal("Refunds", refund.Text("title"));
        Assert.Equal(FixedKnowledge.Refunds.SourceId.ToString(), refund.Text("source_id"));
        Assert.Equal(0.64, turn.GetProperty("confidence").GetDouble(), 4);
    }

    [Fact]
    public async Task An_answer_that_cites_nothing_has_no_citations_and_low_confidence()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.Stream("I don't have that information. ", "Shall I connect you with a person?"));

        var (turn, _) = await LlmTurns.AskAsync(user, $"Do you sell gift cards? {scenario.Tag}");

        Assert.Equal("llm", turn.Text("engine"));
        Assert.Equal(0, turn.GetProperty("citations").GetArrayLength());
        Assert.InRange(turn.GetProperty("confidence").GetDouble(), 0, 0.3);
    }

    [Fact]
    public async Task The_prompt_carries_numbered_passages_history_and_the_stored_question_but_no_original_pii()
    {
        var user = await app.RegisterAsync();
        var first = app.Fake.Scenario(FakeReply.Stream("Open Settings > Security [1]."));
        var second = app.Fake.Scenario(FakeReply.Stream("A reset link is emailed to you [1]."));
        var (turn1, _) = await LlmTurns.AskAsync(user, $"How do I reset my password? {first.Tag}");
        var sessionId = turn1.GetProperty("session_id").GetGuid();

        var (turn2, _) = await LlmTurns.AskAsync(user, $"Please send it to jane.doe@example.com or call +1 415 555 0100. {second.Tag}", sessionId);

        var history = await Infrastructure.Json.ReadAsync(await user.Client.GetAsync($"/chat/history/{sessionId}"), 200);
        var stored = history.GetProperty("messages").EnumerateArray().Select(m => m.Text("content")!).ToList();
        Assert.Single(first.Requests);
        var messages = Assert.Single(second.Requests).Messages;
        Assert.Equal("system", messages[0].Role);
        Assert.Contains("[1]", messages[0].Content, StringComparison.Ordinal);
        Assert.Contains("support team", messages[0].Content, StringComparison.Ordinal);
        Assert.Equal(("user", stored[0]), messages[1]);
        Assert.Equal(("assistant", "Open Settings > Security [1]."), messages[2]);
        var question = messages[^1];
        Assert.Equal("user", question.Role);
        Assert.Contains($"[1] {FixedKnowledge.Password.Title}", question.Content, StringComparison.Ordinal);
        Assert.Contains(FixedKnowledge.Password.Text, question.Content, StringComparison.Ordinal);
        Assert.Contains($"[2] {FixedKnowledge.Refunds.Title}", question.Content, StringComparison.Ordinal);
        Assert.Contains($"[3] {FixedKnowledge.Shipping.Title}", question.Content, StringComparison.Ordinal);
        // What the model reads of the customer is exactly what was stored, i.e. the redacted text.
        Assert.EndsWith(stored[2], question.Content, StringComparison.Ordinal);
        foreach (var redaction in turn2.GetProperty("redactions").EnumerateArray())
        {
            Assert.DoesNotContain(redaction.Text("original")!, second.Requests.Single().Raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Each_prompt_carries_the_recent_history_including_what_an_agent_wrote_between_turns()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var first = app.Fake.Scenario(FakeReply.Stream("Refunds take 5 business days [2]."));
        var second = app.Fake.Scenario(FakeReply.Stream("Glad to hear it."));
        var third = app.Fake.Scenario(FakeReply.Stream("You're welcome."));
        var (turn1, _) = await LlmTurns.AskAsync(customer, $"How long do refunds take? {first.Tag}");
        var id = turn1.GetProperty("session_id").GetGuid();

        // The customer asks for a person; an agent claims the conversation, writes, and hands it back.
        var (escalated, _) = await LlmTurns.AskAsync(customer, "I want to talk to a real person please", id);
        Assert.True(escalated.GetProperty("escalation_needed").GetBoolean());
        await Infrastructure.Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
        await Infrastructure.Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Your refund was sent today." }), 201);
        await Infrastructure.Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/release", null), 200);

        await LlmTurns.AskAsync(customer, $"Great, thanks {second.Tag}", id);
        var seen = Assert.Single(second.Requests).Messages;
        Assert.Contains(("assistant", "Refunds take 5 business days [2]."), seen);
        Assert.Contains(("assistant", "(support agent) Your refund was sent today."), seen);

        // The next prompt has the turn just taken as well.
        await LlmTurns.AskAsync(customer, $"Bye {third.Tag}", id);
        var next = Assert.Single(third.Requests).Messages;
        Assert.Contains(("assistant", "Glad to hear it."), next);
        Assert.Contains(("assistant", "(support agent) Your refund was sent today."), next);
    }

    [Fact]
    public async Task Without_usage_from_the_provider_tokens_are_estimated()
    {
        var user = await app.RegisterAsync();
        var scenario = app.Fake.Scenario(FakeReply.StreamWithoutUsage("Refunds take ", "5 business days [2]."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"How long do refunds take? {scenario.Tag}");

        Assert.Equal("llm", turn.Text("engine"));
        Assert.True(bot.Metadata().GetProperty("tokens_estimated").GetBoolean());
        var prompt = bot.Metadata().GetProperty("prompt_tokens").GetInt32();
        var completion = bot.Metadata().GetProperty("completion_tokens").GetInt32();
        Assert.True(prompt > 50, $"prompt tokens {prompt}");
        Assert.Equal(("Refunds take 5 business days [2].".Length + 3) / 4, completion);
        Assert.Equal(prompt + completion, turn.GetProperty("tokens_used").GetInt32());
    }

    [Fact]
    public async Task The_chat_client_answers_without_streaming_and_takes_a_per_call_model()
    {
        var chat = app.Services.GetRequiredService<IChatClient>();
        var scenario = app.Fake.Scenario(FakeReply.Stream("Plain ", "answer."));

        var response = await chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, $"Hello {scenario.Tag}")],
            new ChatOptions { ModelId = "assistant-model", MaxOutputTokens = 50 });

        Assert.Equal("Plain answer.", response.Text);
        Assert.Equal("assistant-model", response.ModelId);
        Assert.Equal(120, response.Usage?.InputTokenCount);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
        var request = Assert.Single(scenario.Requests);
        Assert.False(request.Streamed);
        Assert.Equal("assistant-model", request.Body.Text("model"));
        Assert.Equal(50, request.Body.GetProperty("max_tokens").GetInt32());
        Assert.Equal([("system", "Be brief."), ("user", $"Hello {scenario.Tag}")], request.Messages);
        Assert.Equal(OpenAiCompatibleChatClient.ProviderName, chat.GetService<ChatClientMetadata>()?.ProviderName);
    }
}
