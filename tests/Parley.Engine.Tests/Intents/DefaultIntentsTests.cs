using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

public sealed class DefaultIntentsTests
{
    private static readonly IntentModel Model = DefaultIntents.Train();

    [Theory]
    [InlineData("can I talk to a real person", DefaultIntents.HumanHandoff)]
    [InlineData("i want to speak with someone from your team", DefaultIntents.HumanHandoff)]
    [InlineData("hi there", DefaultIntents.Greet)]
    [InlineData("where the hell is my parcel", DefaultIntents.OrderStatus)]
    [InlineData("I need my money back", DefaultIntents.RefundRequest)]
    [InlineData("i forgot my login password", DefaultIntents.ResetPassword)]
    [InlineData("when do you close on fridays", DefaultIntents.OpeningHours)]
    [InlineData("thank you very much", DefaultIntents.Thanks)]
    [InlineData("the package arrived damaged and I'm furious", DefaultIntents.Complaint)]
    [InlineData("what's the population of canada", IntentModel.OutOfScopeIntent)]
    [InlineData("how do volcanoes erupt", IntentModel.OutOfScopeIntent)]
    public void Recognises_typical_support_messages(string text, string intent)
    {
        var prediction = Model.Classify(text);

        Assert.True(intent == prediction.Intent, $"{text} -> {prediction.Intent} ({prediction.Confidence:F2}), expected {intent}");
    }

    [Fact]
    public void Every_default_intent_has_a_dozen_to_twenty_distinct_examples()
    {
        var groups = DefaultIntents.Examples.GroupBy(e => e.Intent).ToList();

        Assert.Equal(14, groups.Count);
        Assert.All(groups, g => Assert.InRange(g.Count(), 12, 20));
        Assert.Equal(DefaultIntents.Examples.Count, DefaultIntents.Examples.Select(e => TextNormalizer.Normalize(e.Text)).Distinct().Count());
    }

    [Fact]
    public void Out_of_scope_examples_are_offered_apart()
    {
        Assert.NotEmpty(DefaultIntents.OutOfScopeExamples);
        Assert.All(DefaultIntents.OutOfScopeExamples, e => Assert.Equal(IntentModel.OutOfScopeIntent, e.Intent));
    }

    [Fact]
    public void A_tenant_can_add_an_intent()
    {
        var model = DefaultIntents.Train(
        [
            new("do you ship to canada", "shipping_countries"), new("which countries do you deliver to", "shipping_countries"),
            new("can you send my order abroad", "shipping_countries"), new("is international shipping available", "shipping_countries"),
            new("do you deliver to the uk", "shipping_countries"), new("shipping to germany", "shipping_countries"),
            new("can I get it delivered in australia", "shipping_countries"), new("do you ship overseas", "shipping_countries"),
        ]);

        Assert.Equal("shipping_countries", model.Classify("do you ship to mexico").Intent);
        Assert.Equal(DefaultIntents.HumanHandoff, model.Classify("can I talk to a real person").Intent);
    }
}
