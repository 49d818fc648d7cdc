using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

public sealed class SpanResolverTests
{
    [Fact]
    public void Higher_priority_wins_over_a_longer_span()
    {
        var kept = SpanResolver.Resolve([Span("A", 0, 20, PiiPriority.Pattern), Span("B", 5, 10, PiiPriority.Validated)]);

        Assert.Equal([Span("B", 5, 10, PiiPriority.Validated)], kept);
    }

    [Fact]
    public void At_equal_priority_the_longest_wins_then_the_earliest()
    {
        var kept = SpanResolver.Resolve(
        [
            Span("SHORT", 2, 6, PiiPriority.Pattern),
            Span("LONG", 0, 8, PiiPriority.Pattern),
            Span("LATER", 6, 14, PiiPriority.Pattern),
        ]);

        Assert.Equal([Span("LONG", 0, 8, PiiPriority.Pattern)], kept);
    }

    [Fact]
    public void A_guess_overlapping_a_stronger_span_at_its_end_is_cut_back_to_before_it()
    {
        const string text = "12 Elm Street\n415-555-2671";
        var kept = SpanResolver.Resolve(
            [Span(PiiTypes.StreetAddress, 0, 21, PiiPriority.Heuristic), Span(PiiTypes.PhoneNumber, 14, 26, PiiPriority.Pattern)],
            text);

        Assert.Equal([Span(PiiTypes.StreetAddress, 0, 13, PiiPriority.Heuristic), Span(PiiTypes.PhoneNumber, 14, 26, PiiPriority.Pattern)], kept);
    }

    [Fact]
    public void A_pattern_overlapping_a_stronger_span_is_dropped_not_cut()
    {
        var kept = SpanResolver.Resolve([Span("PHONE", 0, 10, PiiPriority.Pattern), Span("CARD", 5, 20, PiiPriority.Validated)]);

        Assert.Equal([Span("CARD", 5, 20, PiiPriority.Validated)], kept);
    }

    [Fact]
    public void Results_come_back_in_order_of_position_and_empty_spans_are_dropped()
    {
        var kept = SpanResolver.Resolve([Span("B", 10, 12, 1), Span("A", 0, 2, 1), Span("E", 5, 5, 99)]);

        Assert.Equal(["A", "B"], kept.Select(s => s.Type));
    }

    private static PiiSpan Span(string type, int start, int end, int priority) => new(type, start, end, priority);
}
