using Parley.Engine.Entities;
using static Parley.Engine.Tests.Entities.Extraction;

namespace Parley.Engine.Tests.Entities;

public sealed class LookupEntityTests
{
    private static readonly EntityExtractionOptions Catalogue = new()
    {
        Lookups = new Dictionary<string, IReadOnlyList<LookupEntry>>
        {
            ["product"] = [new("Pro plan", "premium", "pro"), new("Starter plan", "basic"), new("C++ SDK", "cpp sdk")],
            ["topic"] = [new("trading_hours", "trading hours", "market hours")],
        },
    };

    [Fact]
    public void A_canonical_value_is_found_case_insensitively_with_its_offsets()
    {
        var product = Only("Upgrade me to the PRO PLAN now", "product", Catalogue);

        Assert.Equal("PRO PLAN", product.Text);
        Assert.Equal((18, 26), (product.Start, product.End));
        Assert.Equal("Pro plan", product.Value);
    }

    [Theory]
    [InlineData("I'm on premium.", "premium", "Pro plan")]
    [InlineData("Is basic enough?", "basic", "Starter plan")]
    [InlineData("What are your Market   Hours?", "Market   Hours", "trading_hours")]
    [InlineData("Does the cpp-sdk build?", "cpp-sdk", "C++ SDK")]
    [InlineData("Does the c++ sdk build?", "c++ sdk", "C++ SDK")]
    public void Synonyms_normalise_to_the_canonical_value(string text, string found, string value)
    {
        var entity = Assert.Single(Extract(text, Catalogue));

        Assert.Equal(found, entity.Text);
        Assert.Equal(value, entity.Value);
    }

    [Theory]
    [InlineData("Which products do you sell?")]
    [InlineData("I'm a professional")]
    [InlineData("basically it's broken")]
    public void Values_inside_longer_words_do_not_match(string text)
    {
        Assert.Empty(Extract(text, Catalogue));
    }

    [Fact]
    public void The_longest_phrase_wins_over_a_shorter_synonym_at_the_same_place()
    {
        var product = Only("the pro plan", "product", Catalogue);

        Assert.Equal("pro plan", product.Text);
        Assert.True(product.Confidence > Only("the pro", "product", Catalogue).Confidence);
    }

    [Fact]
    public void The_entity_type_is_the_name_of_the_list()
    {
        Assert.Equal(["topic", "product"], Types("trading hours on the basic plan", Catalogue));
    }

    [Fact]
    public void A_tenant_value_beats_a_generic_number_over_the_same_text()
    {
        var options = new EntityExtractionOptions
        {
            Lookups = new Dictionary<string, IReadOnlyList<LookupEntry>> { ["model"] = [new("X 200", "200")] },
        };

        var model = Only("Is the 200 in stock?", "model", options);

        Assert.Equal("X 200", model.Value);
    }

    [Fact]
    public void Blank_entries_are_ignored()
    {
        var options = new EntityExtractionOptions
        {
            Lookups = new Dictionary<string, IReadOnlyList<LookupEntry>> { ["product"] = [new(" ", "", "--")] },
        };

        Assert.Empty(Extract("a - b", options with { IncludeNumbers = false }));
    }
}
