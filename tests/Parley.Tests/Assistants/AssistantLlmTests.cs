using System.Net.Http.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Llm;

namespace Parley.Tests.Assistants;

/// <summary>An assistant's model, temperature, system prompt and personality reach the LLM for its conversations.</summary>
public sealed class AssistantLlmTests(LlmApp app) : IClassFixture<LlmApp>
{
    [Fact]
    public async Task The_assistants_settings_replace_the_configured_ones_in_its_turns()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var marker = Guid.NewGuid().ToString("N");
        var assistant = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants", new
        {
            name = "Refund Bot",
            system_prompt = $"You are Zed, the refunds assistant {marker}.",
            personality = "Cheerful",
            model = "assistant-model",
            temperature = 0.9,
            max_tokens = 123,
        }), 201);
        var conversation = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/conversations",
            new { assistant_id = assistant.GetProperty("id").GetGuid() }), 201);
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages",
            new { content = "How long do refunds take?" }), 200);

        var request = Assert.Single(app.Fake.Requests, r => r.Messages.Any(m => m.Role == "system" && m.Content.Contains(marker, StringComparison.Ordinal)));
        Assert.Equal("assistant-model", request.Body.GetProperty("model").GetString());
        Assert.Equal(0.9, request.Body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(123, request.Body.GetProperty("max_tokens").GetInt32());
        var system = request.Messages.First(m => m.Role == "system").Content;
        Assert.Contains("Personality: Cheerful", system, StringComparison.Ordinal);
        Assert.Contains("Rules:", system, StringComparison.Ordinal);

        // A conversation on the default assistant keeps the configured model.
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = $"Where is my parcel {marker}?" }), 200);
        var plain = Assert.Single(app.Fake.Requests, r => r.Messages.Any(m => m.Role == "user" && m.Content.Contains($"parcel {marker}", StringComparison.Ordinal)));
        Assert.Equal("test-model", plain.Body.GetProperty("model").GetString());
    }
}
