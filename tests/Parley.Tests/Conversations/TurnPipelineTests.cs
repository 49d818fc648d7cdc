using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Conversations;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>Redaction, understanding, escalation and caching, seen through the HTTP API.</summary>
public abstract class TurnPipelineTests(ParleyApp app)
{
    [Fact]
    public async Task Pii_is_redacted_before_storage_and_the_original_goes_back_only_to_the_sender()
    {
        var user = await app.RegisterAsync();
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process",
            new { message = "My card 4111 1111 1111 1111 was charged twice, reach me at jane.doe@example.com" }), 200);
        var redactions = turn.GetProperty("redactions").EnumerateArray().ToList();
        Assert.Contains(redactions, r => r.GetProperty("original").GetString() == "4111 1111 1111 1111");
        Assert.Contains(redactions, r => r.GetProperty("original").GetString() == "jane.doe@example.com");
        Assert.All(redactions, r => Assert.Equal(2, r.GetProperty("position").GetArrayLength()));

        var sessionId = turn.GetProperty("session_id").GetGuid();
        var stored = await user.Client.GetStringAsync($"/api/v1/conversations/{sessionId}");
        Assert.DoesNotContain("4111 1111 1111 1111", stored);
        Assert.DoesNotContain("jane.doe@example.com", stored);
        Assert.DoesNotContain("\"original\"", stored);
        Assert.Contains("1111", stored);
    }

    [Fact]
    public async Task Identifiers_the_customer_labels_are_redacted_before_storage_whatever_their_checksum()
    {
        var user = await app.RegisterAsync();
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process",
            new { message = "My SSN 123-45-6789, DOB: 01/02/1980, passport number X1234567. Order placed on 3 March." }), 200);
        var types = turn.GetProperty("redactions").EnumerateArray().Select(r => r.GetProperty("type").GetString()).ToList();
        Assert.Contains("ssn", types);
        Assert.Contains("date_of_birth", types);
        Assert.Contains("passport", types);

        var sessionId = turn.GetProperty("session_id").GetGuid();
        var stored = await user.Client.GetStringAsync($"/api/v1/conversations/{sessionId}");
        Assert.DoesNotContain("123-45-6789", stored);
        Assert.DoesNotContain("01/02/1980", stored);
        Assert.DoesNotContain("X1234567", stored);
        Assert.Contains("Order placed on 3 March", stored);
    }

    [Fact]
    public async Task Asking_for_a_person_escalates_the_conversation()
    {
        var user = await app.RegisterAsync();
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "I want to talk to a real person please" }), 200);
        Assert.True(turn.GetProperty("escalation_needed").GetBoolean());
        Assert.Equal("human_handoff", turn.GetProperty("intent").GetString());
        var session = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/sessions/{turn.GetProperty("session_id").GetGuid()}"), 200);
        Assert.Equal("escalated", session.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_angry_complaint_escalates_and_a_polite_question_does_not()
    {
        var user = await app.RegisterAsync();
        var angry = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/process",
            new { message = "This is terrible service, I am furious and I want to file a complaint!!" }), 200);
        Assert.True(angry.GetProperty("escalation_needed").GetBoolean());

        var polite = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/process", new { message = "hello, good morning" }), 200);
        Assert.False(polite.GetProperty("escalation_needed").GetBoolean());
    }

    [Fact]
    public async Task Entities_come_back_flat_and_as_a_list()
    {
        var user = await app.RegisterAsync();
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/process",
            new { message = "Where is order #48213? I paid $25.99 on 2024-03-15." }), 200);
        var entities = turn.GetProperty("entities");
        Assert.True(entities.TryGetProperty("order_number", out _), entities.GetRawText());
        Assert.True(entities.TryGetProperty("amount", out _), entities.GetRawText());
        Assert.True(entities.TryGetProperty("date", out _), entities.GetRawText());
        Assert.Contains(turn.GetProperty("entity_list").EnumerateArray(), e => e.GetProperty("type").GetString() == "order_number");
    }

    [Fact]
    public async Task A_repeated_question_is_answered_from_cache_until_knowledge_changes()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var alice = await app.CreateUserAsync(admin);
        var bob = await app.CreateUserAsync(admin);
        var first = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "Hello there!" }), 200);
        Assert.False(first.GetProperty("cached").GetBoolean());
        var second = await Json.ReadAsync(await bob.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200);
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("response").GetString(), second.GetProperty("response").GetString());

        app.Services.GetRequiredService<ResponseCache>().Invalidate(admin.TenantId);
        var third = await Json.ReadAsync(await bob.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200);
        Assert.False(third.GetProperty("cached").GetBoolean());

        // Another tenant never sees this tenant's cached answers.
        var outsider = await app.RegisterAsync();
        var elsewhere = await Json.ReadAsync(await outsider.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200);
        Assert.False(elsewhere.GetProperty("cached").GetBoolean());
    }
}

public sealed class SqliteTurnPipelineTests(SqliteApp app) : TurnPipelineTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTurnPipelineTests(PostgresApp app) : TurnPipelineTests(app), IClassFixture<PostgresApp>;
