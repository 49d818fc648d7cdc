using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Knowledge;

namespace Parley.Tests.Realtime;

/// <summary>
/// Two instances over one PostgreSQL: configuration changed through one reaches the other's caches
/// (assistants, cached answers, knowledge) at once, not when their copies expire a minute later.
/// </summary>
public sealed class ChangesAcrossInstancesTests : TwoInstances
{
    private static readonly TimeSpan WellBeforeExpiry = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_assistant_changed_on_one_instance_answers_by_its_new_settings_on_the_other()
    {
        var admin = await First.CreateTenantWithAdminAsync();
        await IngestAsync(admin, "Billing FAQ", "billing", "How do refunds work?", "Refunds reach your card within 5 business days.");
        await IngestAsync(admin, "Shipping FAQ", "shipping", "How long does shipping take?", "Parcels arrive within 3 business days.");
        var assistant = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants",
            new { name = "Billing bot", status = "active", knowledge_categories = new[] { "billing" } }), 201);
        var assistantId = assistant.GetProperty("id").GetGuid();

        var onSecond = Second.Authorized(admin.AccessToken);
        var conversation = await Json.ReadAsync(await onSecond.PostAsJsonAsync("/api/v1/conversations", new { assistant_id = assistantId }), 201);
        var id = conversation.GetProperty("id").GetGuid();
        // The second instance now holds the assistant (billing only) in memory.
        Assert.DoesNotContain("Shipping FAQ", (await TurnAsync(onSecond, id, "How long does shipping take?")).ToString());

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{assistantId}", new { knowledge_categories = new[] { "shipping" } }), 200);

        var answered = await EventuallyAsync(async () => (await TurnAsync(onSecond, id, "How long does shipping take?")).ToString().Contains("Shipping FAQ", StringComparison.Ordinal));
        Assert.True(answered, $"The second instance still used the old assistant {WellBeforeExpiry.TotalSeconds} s after the change.");
    }

    [Fact]
    public async Task Knowledge_deleted_on_one_instance_is_no_longer_cited_from_the_others_answer_cache()
    {
        var admin = await First.CreateTenantWithAdminAsync();
        var source = await IngestAsync(admin, "Billing FAQ", "billing", "How do refunds work?", "Refunds reach your card within 5 business days.");
        var onSecond = Second.Authorized(admin.AccessToken);

        var first = await Json.ReadAsync(await onSecond.PostAsJsonAsync("/api/v1/chat/process", new { message = "How do refunds work?" }), 200);
        Assert.Contains("Billing FAQ", first.GetProperty("citations").ToString());
        var again = await Json.ReadAsync(await onSecond.PostAsJsonAsync("/api/v1/chat/message", new { message = "How do refunds work?" }), 200);
        Assert.True(again.GetProperty("cached").GetBoolean());

        await Json.ReadAsync(await admin.Client.DeleteAsync($"/api/v1/knowledge/sources/{source.GetProperty("id").GetGuid()}"), 204);

        var forgotten = await EventuallyAsync(async () =>
        {
            var answer = await Json.ReadAsync(await onSecond.PostAsJsonAsync("/api/v1/chat/process", new { message = "How do refunds work?" }), 200);
            return !answer.GetProperty("citations").ToString().Contains("Billing FAQ", StringComparison.Ordinal);
        });
        Assert.True(forgotten, $"The second instance still cited the deleted source {WellBeforeExpiry.TotalSeconds} s after the deletion.");
    }

    /// <summary>Asks until the condition holds or <see cref="WellBeforeExpiry"/> has passed (the notification travels asynchronously).</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + WellBeforeExpiry;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static async Task<JsonElement> IngestAsync(TestUser admin, string name, string category, string question, string answer)
    {
        var accepted = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { name, type = "faq", metadata = new { category }, faqs = new[] { new { question, answer } } }), 202);
        return await KnowledgeWait.ReadyAsync(admin, accepted);
    }

    private static async Task<JsonElement> TurnAsync(HttpClient client, Guid conversationId, string text)
        => await Json.ReadAsync(await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = text }), 200);
}
