using System.Net.Http.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Knowledge;

namespace Parley.Tests.Conversations;

/// <summary>
/// Parley on SQLite where the bot may not know an answer a few times before a person is called in,
/// so the same unknown question can be asked twice in one session without escalating it.
/// </summary>
public sealed class PatientEscalationApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Conversations:LowConfidenceTurnsBeforeEscalation", "5")];
}

public sealed class ResponseCacheTests(PatientEscalationApp app) : IClassFixture<PatientEscalationApp>
{
    [Fact]
    public async Task Document_001_a_repeated_question_the_bot_cannot_answer_yet_comes_from_the_cache_until_knowledge_changes()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var first = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "What is Redis?" }), 200);
        Assert.False(first.GetProperty("cached").GetBoolean());
        var id = first.GetProperty("session_id").GetGuid();
        var second = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "What is Redis?", session_id = id }), 200);
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("response").GetString(), second.GetProperty("response").GetString());
        Assert.Equal(first.GetProperty("confidence").GetDouble(), second.GetProperty("confidence").GetDouble());

        var accepted = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new
        {
            name = "Glossary",
            type = "faq",
            faqs = new[] { new { question = "What is Redis?", answer = "Redis is an in-memory data store used as a database, cache and message broker." } },
        }), 202);
        await KnowledgeWait.ReadyAsync(admin, accepted);
        var third = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "What is Redis?", session_id = id }), 200);
        Assert.False(third.GetProperty("cached").GetBoolean());
        Assert.Contains("in-memory data store", third.GetProperty("response").GetString());
    }
}
