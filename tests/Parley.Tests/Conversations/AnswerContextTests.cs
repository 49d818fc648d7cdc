using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Knowledge;

namespace Parley.Tests.Conversations;

/// <summary>
/// Answers in context: a follow-up that does not name what it asks about is answered from the
/// source an earlier turn named, and the same follow-up in another conversation about another
/// source is not served the first one's cached answer. How-to phrasing is not a request for a person.
/// </summary>
public abstract class AnswerContextTests(ParleyApp app)
{
    [Fact]
    public async Task A_follow_up_is_answered_from_the_source_an_earlier_turn_named()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await AddFaqAsync(admin, "Hotel Zetta", "What time is check-in?", "Check-in at Hotel Zetta starts at 3 pm.");
        await AddFaqAsync(admin, "Grant Hotel", "What time is check-in?", "Check-in at the Grant Hotel starts at 2 pm.");
        var user = await app.CreateUserAsync(admin);

        foreach (var (hotel, hour) in new[] { ("Grant Hotel", "2 pm"), ("Hotel Zetta", "3 pm"), ("Grant Hotel", "2 pm") })
        {
            var first = await ChatAsync(user, null, $"We are staying at the {hotel} next week.");
            var follow = await ChatAsync(user, first.GetProperty("session_id").GetString(), "what time is check-in there?");
            Assert.Equal(hotel, follow.GetProperty("citations")[0].GetProperty("source").GetString());
            Assert.Contains(hour, follow.GetProperty("response").GetString());
        }
    }

    [Fact]
    public async Task A_misheard_follow_up_is_answered_from_the_passage_of_the_named_source_it_asks_about()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await AddFaqsAsync(admin, "Hotel Zetta",
            ("Is breakfast included?", "Breakfast is free for all guests of Hotel Zetta."),
            ("Is there WiFi?", "WiFi is available in every room of Hotel Zetta at no charge."),
            ("Are pets allowed?", "Dogs up to 40 pounds are welcome at Hotel Zetta."),
            ("Is there parking?", "Valet parking at Hotel Zetta costs 60 dollars a night."));
        await AddFaqsAsync(admin, "Grant Hotel", ("Is there WiFi?", "The Grant Hotel has WiFi in the lobby only."));
        var user = await app.CreateUserAsync(admin);

        var first = await ChatAsync(user, null, "We are staying at the Hotel Zetta next week.");
        var session = first.GetProperty("session_id").GetString();
        // Speech recognition splits words: "wi fi" shares no word with the WiFi answer (the index alone found nothing).
        foreach (var (question, title) in new[] { ("do they have wi fi", "Is there WiFi?"), ("are dogs ok there", "Are pets allowed?") })
        {
            var follow = await ChatAsync(user, session, question);
            Assert.True(follow.GetProperty("citations").GetArrayLength() > 0, follow.ToString());
            Assert.Equal("Hotel Zetta", follow.GetProperty("citations")[0].GetProperty("source").GetString());
            Assert.Equal(title, follow.GetProperty("citations")[0].GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task A_first_message_that_only_shares_a_word_of_a_name_is_not_about_that_source_while_a_dialogue_that_named_it_is()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var ids = new Dictionary<string, string>
        {
            ["Good Hotel"] = await AddFaqAsync(admin, "Good Hotel", "Is there parking?", "Good Hotel has valet parking for 40 dollars a night."),
            ["Hotel Zetta"] = await AddFaqAsync(admin, "Hotel Zetta", "Is there parking?", "Hotel Zetta has a garage across the street."),
        };
        foreach (var name in new[] { "Grant Hotel", "Cable Car Hotel", "Thai Time Restaurant", "Golden House", "White Swan Inn", "Acorn Guest House" })
        {
            await AddFaqAsync(admin, name, "What time is check-in?", $"Check-in at {name} starts at 3 pm.");
        }

        var user = await app.CreateUserAsync(admin);

        // "good" is a word of one name only (so it weighs a lot among the names), but the message is not about that hotel.
        var lone = await ChatAsync(user, null, "is there good parking near the stadium?");
        var retrieval = await RetrievalAsync(user, lone);
        Assert.NotEmpty(retrieval);
        Assert.DoesNotContain(retrieval, r => r.GetProperty("in_context").GetBoolean());

        // Named in full, even in the message being answered, or earlier in the dialogue: that source is the context.
        var named = await ChatAsync(user, null, "is there parking at the Good Hotel?");
        Assert.True((await RetrievalAsync(user, named))[0].GetProperty("in_context").GetBoolean(), named.ToString());
        foreach (var hotel in new[] { "Good Hotel", "Hotel Zetta" })
        {
            var first = await ChatAsync(user, null, $"We are staying at the {hotel} next week.");
            var follow = await ChatAsync(user, first.GetProperty("session_id").GetString(), "is there parking there?");
            Assert.Equal(hotel, follow.GetProperty("citations")[0].GetProperty("source").GetString());
            // "good" again: a word of another name in a follow-up does not move the conversation off the hotel it settled on.
            var again = await RetrievalAsync(user, await ChatAsync(user, first.GetProperty("session_id").GetString(), "and is it good parking?"));
            Assert.True(again[0].GetProperty("in_context").GetBoolean());
            Assert.Equal(ids[hotel], again[0].GetProperty("source_id").GetString());
        }
    }

    /// <summary>
    /// Turns about the place under discussion that ask for something no passage holds share its words with passages
    /// that do not answer them ("the address, the zip code and phone number" and "Do you have parking there?"; DSTC10 dialogue 86): the
    /// built-in encoder's similarity keeps the bot from answering them, while a misheard question it can answer is.
    /// </summary>
    [Fact]
    public async Task A_follow_up_about_the_named_place_is_answered_only_when_a_passage_means_what_it_asks()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await AddFaqsAsync(admin, "Zazie Bistro",
            ("Do you accept apple pay options?", "Zazie Bistro does not accept Apple Pay."),
            ("Do you have bike parking?", "There is bike parking available at Zazie Bistro."),
            ("Do you have parking there?", "Parking is only available at Street for Zazie Bistro."),
            ("Does Zazie Bistro have delivery?", "Zazie Bistro does not offer delivery service."),
            ("Does Zazie Bistro have free wifi available?", "No, Zazie Bistro does not have free WiFi."),
            ("Hi, can I make a reservation?", "This restaurant does not take reservations."),
            ("Is there a TV here?", "Yes, Zazie Bistro has TV."),
            ("What is the ambience at Zazie Bistro?", "The ambience at Zazie Bistro is casual."),
            ("What payment options are accepted at Zazie Bistro?", "They accept credit cards, however they do not accept Google Pay or Apple Pay."));
        await AddFaqsAsync(admin, "Hotel Nikko", ("Is there private parking on site?", "Yes, private parking is available on-site."));
        var user = await app.CreateUserAsync(admin);

        var first = await ChatAsync(user, null, "We'd like to have lunch at Zazie Bistro.");
        var session = first.GetProperty("session_id").GetString();
        var contact = await ChatAsync(user, session, "ok uh can you give me the address uh the zip code and phone number please");
        Assert.Equal(0, contact.GetProperty("citations").GetArrayLength());
        Assert.True((await RetrievalAsync(user, contact))[0].GetProperty("in_context").GetBoolean(), contact.ToString());

        var bike = await ChatAsync(user, session, "great uh is there a facility nearby i can park bie bye");
        Assert.True(bike.GetProperty("citations").GetArrayLength() > 0, string.Join("\n", await RetrievalAsync(user, bike)));
        Assert.Equal("Do you have bike parking?", bike.GetProperty("citations")[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task How_to_questions_are_answered_or_not_but_never_escalated_while_asking_for_a_person_is()
    {
        var user = await app.RegisterAsync();
        foreach (var message in new[] { "I'd like to strikethrough text in gmail", "How do I change the font size in my browser?", "I'd like to know how to export my contacts" })
        {
            var turn = await ChatAsync(user, null, message);
            Assert.False(turn.GetProperty("escalation_needed").GetBoolean(), message);
        }

        var human = await ChatAsync(user, null, "I want to talk to a human");
        Assert.True(human.GetProperty("escalation_needed").GetBoolean());
    }

    private static async Task<JsonElement> ChatAsync(TestUser user, string? session, string message)
        => await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process", new { session_id = session, message }), 200);

    /// <summary>The passages the bot had for the turn (its message's <c>retrieval</c> metadata, as agents see it).</summary>
    private static async Task<List<JsonElement>> RetrievalAsync(TestUser user, JsonElement turn)
    {
        var page = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/conversations/{turn.GetProperty("session_id").GetString()}/messages?page=1&size=100"), 200);
        var items = page.ValueKind == JsonValueKind.Array ? page : page.GetProperty("items");
        var message = items.EnumerateArray().Single(m => m.GetProperty("id").GetString() == turn.GetProperty("response_message_id").GetString());
        return message.GetProperty("metadata").TryGetProperty("retrieval", out var retrieval) ? [.. retrieval.EnumerateArray()] : [];
    }

    private static async Task AddFaqsAsync(TestUser admin, string name, params (string Question, string Answer)[] faqs)
    {
        var response = await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name, type = "faq", faqs = faqs.Select(f => new { question = f.Question, answer = f.Answer }) });
        await KnowledgeWait.ReadyAsync(admin, await Json.ReadAsync(response, 202));
    }

    private static async Task<string> AddFaqAsync(TestUser admin, string name, string question, string answer)
    {
        var response = await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name, type = "faq", faqs = new[] { new { question, answer } } });
        var accepted = await Json.ReadAsync(response, 202);
        await KnowledgeWait.ReadyAsync(admin, accepted);
        return accepted.GetProperty("source").GetProperty("id").GetString()!;
    }
}

public sealed class SqliteAnswerContextTests(SqliteApp app) : AnswerContextTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAnswerContextTests(PostgresApp app) : AnswerContextTests(app), IClassFixture<PostgresApp>;
