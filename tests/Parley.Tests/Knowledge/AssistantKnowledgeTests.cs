using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>An assistant's knowledge categories bound what its conversations retrieve and cite.</summary>
public abstract class AssistantKnowledgeTests(ParleyApp app)
{
    [Fact]
    public async Task An_assistant_cites_only_the_categories_it_may_use()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await IngestAsync(admin, "Billing FAQ", "billing", "How do refunds work?", "Refunds reach your card within 5 business days.");
        await IngestAsync(admin, "Shipping FAQ", "shipping", "How long does shipping take?", "Parcels arrive within 3 business days.");

        var billingOnly = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants",
            new { name = "Billing bot", status = "active", knowledge_categories = new[] { "billing" } }), 201);
        var conversation = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/conversations",
            new { assistant_id = billingOnly.GetProperty("id").GetGuid() }), 201);
        var id = conversation.GetProperty("id").GetGuid();

        var shipping = await TurnAsync(admin, id, "How long does shipping take?");
        Assert.DoesNotContain("3 business days", shipping.ToString());
        Assert.DoesNotContain("Shipping FAQ", shipping.ToString());

        var refund = await TurnAsync(admin, id, "How do refunds work?");
        Assert.Contains("Billing FAQ", refund.ToString());

        // A change to the assistant applies from the conversation's next turn.
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{billingOnly.GetProperty("id").GetGuid()}",
            new { knowledge_categories = new[] { "shipping" } }), 200);
        Assert.Contains("Shipping FAQ", (await TurnAsync(admin, id, "How long does shipping take?")).ToString());

        // Without the restriction (the tenant's default assistant) the same question finds shipping.
        var open = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "How long does shipping take?" }), 200);
        Assert.Contains("Shipping FAQ", open.GetProperty("citations").ToString());
    }

    private static async Task IngestAsync(TestUser admin, string name, string category, string question, string answer)
    {
        var accepted = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { name, type = "faq", metadata = new { category }, faqs = new[] { new { question, answer } } }), 202);
        await KnowledgeWait.ReadyAsync(admin, accepted);
    }

    private static async Task<JsonElement> TurnAsync(TestUser user, Guid conversationId, string text)
        => await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = text }), 200);
}

public sealed class SqliteAssistantKnowledgeTests(SqliteApp app) : AssistantKnowledgeTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAssistantKnowledgeTests(PostgresApp app) : AssistantKnowledgeTests(app), IClassFixture<PostgresApp>;
