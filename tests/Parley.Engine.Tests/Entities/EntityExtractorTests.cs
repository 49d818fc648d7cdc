using System.Text.Json;
using Parley.Engine.Entities;
using static Parley.Engine.Tests.Entities.Extraction;

namespace Parley.Engine.Tests.Entities;

public sealed class EntityExtractorTests
{
    private const string Busy =
        "Hi, I'm jane@shop.example (+1 555 123 4567). Order ORD-2024-0001 for $1,299.50 was due 15/01/2024 " +
        "but tomorrow at 3pm works; 10% off? See https://shop.example.com/o/1. Account no. 12345678, 3 items.";

    [Fact]
    public void Every_kind_in_one_message_is_found_in_text_order()
    {
        var entities = Extract(Busy);

        Assert.Equal(
            [
                EntityTypes.Email, EntityTypes.Phone, EntityTypes.OrderNumber, EntityTypes.Amount, EntityTypes.Date,
                EntityTypes.DateTime, EntityTypes.Percentage, EntityTypes.Url, EntityTypes.AccountNumber, EntityTypes.Number,
            ],
            entities.Select(e => e.Type));
        Assert.Equal(
            ["jane@shop.example", "+1 555 123 4567", "ORD-2024-0001", "$1,299.50", "15/01/2024", "tomorrow at 3pm", "10%",
                "https://shop.example.com/o/1", "12345678", "3"],
            entities.Select(e => e.Text));
    }

    [Fact]
    public void Entities_never_overlap_and_their_text_is_the_text_between_their_offsets()
    {
        var entities = Extract(Busy);

        for (var i = 0; i < entities.Count; i++)
        {
            Assert.Equal(Busy[entities[i].Start..entities[i].End], entities[i].Text);
            Assert.InRange(entities[i].Confidence, 0.0, 1.0);
            if (i > 0)
            {
                Assert.True(entities[i - 1].End <= entities[i].Start, $"{entities[i - 1]} overlaps {entities[i]}");
            }
        }
    }

    [Fact]
    public void The_longest_candidate_wins_even_over_a_more_specific_type_inside_it()
    {
        var options = new EntityExtractionOptions
        {
            Lookups = new Dictionary<string, IReadOnlyList<LookupEntry>> { ["brand"] = [new("Shop")] },
        };

        var entities = Extract("Order ORD-2024-01-15 from jane@shop.example", options);

        Assert.Equal(["ORD-2024-01-15", "jane@shop.example"], entities.Select(e => e.Text));
        Assert.Equal([EntityTypes.OrderNumber, EntityTypes.Email], entities.Select(e => e.Type));
    }

    [Fact]
    public void Nothing_is_found_in_empty_or_plain_text()
    {
        Assert.Empty(Extract(""));
        Assert.Empty(Extract("Hello, how are you doing?"));
        Assert.Throws<ArgumentNullException>(() => new EntityExtractor().Extract(null!));
    }

    [Fact]
    public void Without_a_now_relative_dates_use_the_configured_clock()
    {
        var extractor = new EntityExtractor(new EntityExtractionOptions { TimeProvider = new FixedClock(Now.AddDays(100)) });

        Assert.Equal("2024-04-20", Assert.Single(extractor.Extract("tomorrow")).Value);
    }

    [Fact]
    public void An_extractor_can_be_shared_between_threads()
    {
        var extractor = new EntityExtractor();
        var expected = extractor.Extract(Busy, Now);

        Parallel.For(0, 64, _ => Assert.Equal(expected, extractor.Extract(Busy, Now)));
    }

    [Fact]
    public void The_flat_dictionary_keeps_the_first_value_of_each_type()
    {
        var options = new EntityExtractionOptions
        {
            Lookups = new Dictionary<string, IReadOnlyList<LookupEntry>>
            {
                ["topic"] = [new("trading_hours", "trading hours")],
                ["urgency"] = [new("low", "no rush"), new("high", "urgent")],
            },
        };

        var flat = EntityExtraction.ToDictionary(Extract("No rush: what are your trading hours? Not urgent.", options));

        Assert.Equal(
            """{"urgency":"low","topic":"trading_hours"}""",
            JsonSerializer.Serialize(flat));
    }

    [Fact]
    public void Amounts_serialise_as_an_amount_and_a_currency()
    {
        var flat = EntityExtraction.ToDictionary(Extract("It was $25 and then $30"));

        Assert.Equal("""{"amount":{"amount":25,"currency":"USD"}}""", JsonSerializer.Serialize(flat));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
