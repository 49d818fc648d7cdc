using System.Text;
using Parley.Engine.Redaction;
using Parley.Engine.Redaction.Evaluation;

namespace Parley.Engine.Tests.Redaction;

public sealed class PiiEvaluationTests
{
    private static readonly PiiRedactor Redactor = new();

    [Theory]
    [InlineData(0, 10, 0, 10, 1.0)]
    [InlineData(0, 10, 0, 9, 0.9)]
    [InlineData(0, 10, 5, 15, 5.0 / 15)]
    [InlineData(0, 10, 10, 20, 0.0)]
    public void Intersection_over_union_is_on_characters(int a, int b, int c, int d, double expected)
    {
        Assert.Equal(expected, PiiEvaluation.IntersectionOverUnion(a, b, c, d), precision: 6);
    }

    [Fact]
    public void A_span_matches_when_iou_reaches_the_threshold_and_the_types_agree()
    {
        const string text = "Call 415-555-2671 now";
        PiiSample[] exact = [new(text, [new GoldSpan("PHONE_NUMBER", 5, 17)])];
        PiiSample[] wider = [new(text, [new GoldSpan("PHONE_NUMBER", 4, 18)])]; // IoU 12/14 < 0.9
        PiiSample[] otherType = [new(text, [new GoldSpan("US_SSN", 5, 17)])];

        Assert.Equal(1.0, PiiEvaluation.Evaluate(exact, Redactor).Overall.Recall);
        Assert.Equal(0.0, PiiEvaluation.Evaluate(wider, Redactor).Overall.Recall);
        Assert.Equal(0.0, PiiEvaluation.Evaluate(otherType, Redactor).Overall.Recall);
        Assert.Equal(1.0, PiiEvaluation.Evaluate(otherType, Redactor, TypeMatching.Ignored).Overall.Recall);
    }

    [Fact]
    public void Gold_types_parley_does_not_detect_still_count_against_recall()
    {
        const string text = "I work for Contoso. Call 415-555-2671.";
        PiiSample[] samples = [new(text, [new GoldSpan("ORGANIZATION", 11, 18), new GoldSpan("PHONE_NUMBER", 25, 37)])];

        var report = PiiEvaluation.Evaluate(samples, Redactor);

        Assert.Equal(new SpanScore(Gold: 2, Predicted: 1, MatchedGold: 1, MatchedPredicted: 1), report.Overall);
        Assert.Equal(0.0, report.ByGoldType["ORGANIZATION"].Recall);
        Assert.Equal(1.0, report.ByPredictedType[PiiTypes.PhoneNumber].Precision);
    }

    [Fact]
    public void Dataset_types_are_mapped_to_presidio_names_before_comparing()
    {
        const string text = "I'm originally from Norway";
        PiiSample[] samples = [new(text, [new GoldSpan("GPE", 20, 26)])];

        Assert.Equal(1.0, PiiEvaluation.Evaluate(samples, Redactor).Overall.Recall);
        Assert.Equal("LOCATION", PiiEvaluation.ToPresidioType("STREET_ADDRESS"));
        Assert.Equal("URL", PiiEvaluation.ToPresidioType("DOMAIN_NAME"));
    }

    [Fact]
    public void F2_weighs_recall_four_times_precision()
    {
        var score = new SpanScore(Gold: 10, Predicted: 4, MatchedGold: 4, MatchedPredicted: 4);

        Assert.Equal(1.0, score.Precision);
        Assert.Equal(0.4, score.Recall, precision: 6);
        Assert.Equal(5 * 0.4 / (4 + 0.4), score.F2, precision: 6);
    }

    [Fact]
    public void The_presidio_format_is_read_with_end_exclusive_offsets()
    {
        const string json = """
            [{"full_text": "My IBAN is GB82WEST12345698765432", "masked": "My IBAN is {{IBAN_CODE}}",
              "spans": [{"entity_type": "IBAN_CODE", "entity_value": "GB82WEST12345698765432", "start_position": 11, "end_position": 33}],
              "template_id": 82, "metadata": null}]
            """;

        var sample = Assert.Single(PresidioDataset.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Equal([new GoldSpan("IBAN_CODE", 11, 33)], sample.Spans);
        Assert.Equal("GB82WEST12345698765432", sample.Text[11..33]);
    }

    [Fact]
    public void Spans_outside_the_text_are_rejected()
    {
        const string json = """[{"full_text": "short", "spans": [{"entity_type": "PERSON", "start_position": 2, "end_position": 9}]}]""";

        Assert.Throws<InvalidDataException>(() => PresidioDataset.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }
}
