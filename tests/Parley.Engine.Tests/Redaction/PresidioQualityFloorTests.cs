using Parley.Engine.Redaction;
using Parley.Engine.Redaction.Evaluation;

namespace Parley.Engine.Tests.Redaction;

/// <summary>Evaluates the redactor once on the Presidio synthetic half set for the floor tests below.</summary>
public sealed class PresidioHalfSetFixture
{
    public PresidioHalfSetFixture()
    {
        var samples = PresidioDataset.Load(SharedData.File("pii", "presidio_synth", "synth_dataset_v2.half_a.json"));
        var redactor = new PiiRedactor(PiiEvaluation.EveryType);
        Mapped = PiiEvaluation.Evaluate(samples, redactor, TypeMatching.Mapped);
        Ignored = PiiEvaluation.Evaluate(samples, redactor, TypeMatching.Ignored);
    }

    public PiiEvaluationReport Mapped { get; }

    public PiiEvaluationReport Ignored { get; }
}

/// <summary>
/// Quality floors on presidio-research's synthetic PII set (750 texts, IoU >= 0.9). Floors sit 0.02 under the
/// figures measured when the redactor was written (see the report in the hand-over), so a regression fails
/// CI while small, deliberate trade-offs do not. Presidio's default analyzer scores F2 0.618 here.
/// </summary>
public sealed class PresidioQualityFloorTests(PresidioHalfSetFixture evaluation) : IClassFixture<PresidioHalfSetFixture>
{
    [SharedDataFact]
    public void Overall_span_scores_with_types_mapped_to_presidio_names_hold()
    {
        var overall = evaluation.Mapped.Overall;

        Assert.Equal(1417, overall.Gold);
        Assert.True(overall.F2 >= 0.686, $"F2 {overall.F2:F3}");
        Assert.True(overall.Precision >= 0.906, $"precision {overall.Precision:F3}");
        Assert.True(overall.Recall >= 0.647, $"recall {overall.Recall:F3}");
    }

    [SharedDataFact]
    public void Overall_pii_versus_not_pii_scores_hold()
    {
        var overall = evaluation.Ignored.Overall;

        Assert.True(overall.F2 >= 0.687, $"F2 {overall.F2:F3}");
        Assert.True(overall.Precision >= 0.907, $"precision {overall.Precision:F3}");
    }

    [SharedDataTheory]
    [InlineData("CREDIT_CARD", 0.98)]
    [InlineData("US_SSN", 0.98)]
    [InlineData("IBAN_CODE", 0.98)]
    [InlineData("EMAIL_ADDRESS", 0.98)]
    [InlineData("PHONE_NUMBER", 0.98)]
    [InlineData("IP_ADDRESS", 0.98)]
    [InlineData("DOMAIN_NAME", 0.98)]
    [InlineData("AGE", 0.98)]
    [InlineData("PERSON", 0.85)]
    [InlineData("DATE_TIME", 0.91)]
    [InlineData("NRP", 0.94)]
    [InlineData("TITLE", 0.90)]
    [InlineData("GPE", 0.52)]
    [InlineData("STREET_ADDRESS", 0.33)]
    public void Recall_per_type_holds(string goldType, double floor)
    {
        var recall = evaluation.Mapped.ByGoldType[goldType].Recall;

        Assert.True(recall >= floor, $"{goldType} recall {recall:F3} < {floor}");
    }
}

/// <summary>
/// The learned tagger in the shipped combination (guarded, <see cref="Parley.Engine.Redaction.Detectors.TaggerGate.Shipped"/>)
/// judged the way half B will judge it: 5-fold cross-validation inside half A, each fold scored by a tagger trained on
/// the other four plus 6,000 CLINC150/HWU64 training utterances as negatives (the shipped model has seen all of half A,
/// so its own figures there say nothing about new text). Measured: F2 0.850, precision 0.869, ORGANIZATION 0.634,
/// STREET_ADDRESS 0.600, ZIP_CODE 0.700, GPE 0.808, PERSON 0.951, structured types 1.000; flagged spans per 1,000
/// CLINC150 validation utterances 6.5 (42.9 with one more word capitalised). Deterministic (seeded folds and
/// training); about 30 s on two cores.
/// </summary>
public sealed class PresidioCrossValidationFloorTests
{
    [SharedDataFact]
    public void Cross_validated_scores_of_the_shipped_combination_hold()
    {
        var samples = PresidioDataset.Load(SharedData.File("pii", "presidio_synth", "synth_dataset_v2.half_a.json"));

        var negatives = ChatUtterances.Negatives(ChatUtterances.Spread(ChatUtterances.Load(Path.Combine(SharedData.Root, "intents"), ChatSplit.Train), 6000), titleCaseEvery: 6);
        var validation = ChatUtterances.Load(Path.Combine(SharedData.Root, "intents"), ChatSplit.Validation);

        var cv = PiiTaggerTraining.CrossValidate(samples, 5, negatives, validation);
        var shipped = Assert.Single(cv.Combinations, r => r.IsDefault);
        var gate = Assert.Single(cv.Gates, g => g.IsShipped);

        Assert.True(shipped.Ignored.Overall.F2 >= 0.84, $"F2 {shipped.Ignored.Overall.F2:F3}");
        Assert.True(shipped.Ignored.Overall.Precision >= 0.85, $"precision {shipped.Ignored.Overall.Precision:F3}");
        Assert.True(gate.Chat.SpansPerThousand <= 10, $"chat spans per 1,000 {gate.Chat.SpansPerThousand:F1}");
        Assert.True(gate.TitleCasedChat.SpansPerThousand <= 50, $"title-cased chat spans per 1,000 {gate.TitleCasedChat.SpansPerThousand:F1}");
        foreach (var (type, floor) in new[] { ("ORGANIZATION", 0.62), ("STREET_ADDRESS", 0.59), ("ZIP_CODE", 0.68), ("GPE", 0.79), ("PERSON", 0.94) })
        {
            Assert.True(shipped.Mapped.ByGoldType[type].Recall >= floor, $"{type} recall {shipped.Mapped.ByGoldType[type].Recall:F3} < {floor}");
        }

        foreach (var type in new[] { "CREDIT_CARD", "US_SSN", "IBAN_CODE", "EMAIL_ADDRESS", "PHONE_NUMBER", "IP_ADDRESS", "DOMAIN_NAME", "AGE" })
        {
            Assert.Equal(1.0, shipped.Mapped.ByGoldType[type].Recall);
        }
    }

    [Fact]
    public void The_engine_ships_a_trained_tagger_that_finds_an_organisation()
    {
        var tagger = Assert.IsType<Parley.Engine.Redaction.Learned.EntityTagger>(Parley.Engine.Redaction.Learned.EntityTagger.Shipped);

        var spans = tagger.Tag("Cleopatra Mordvinova from Quantum Ridge Inc is the keynote speaker");

        Assert.Contains(spans, s => s.Type == PiiTypes.Organization);
    }
}
