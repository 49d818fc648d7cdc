using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Engine.Redaction.Evaluation;

/// <summary>A labelled text: the gold spans use the dataset's own type names (GPE, DOMAIN_NAME, ...).</summary>
public sealed record PiiSample(string Text, IReadOnlyList<GoldSpan> Spans);

/// <summary>A labelled span; offsets are characters in the sample text, end exclusive.</summary>
public sealed record GoldSpan(string Type, int Start, int End);

/// <summary>
/// Reads presidio-research's synthetic dataset format: a JSON list of
/// <c>{full_text, spans:[{entity_type, entity_value, start_position, end_position}]}</c>.
/// </summary>
public static class PresidioDataset
{
    public static IReadOnlyList<PiiSample> Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    public static IReadOnlyList<PiiSample> Load(Stream json)
    {
        var records = JsonSerializer.Deserialize<List<SampleJson>>(json)
            ?? throw new InvalidDataException("The dataset is empty.");

        return records.ConvertAll(r => new PiiSample(
            r.FullText ?? throw new InvalidDataException("A sample has no full_text."),
            (r.Spans ?? []).ConvertAll(s => ToGold(r.FullText, s))));
    }

    private static GoldSpan ToGold(string text, SpanJson span)
    {
        // Offsets outside the text would silently count as unmatchable gold; fail loudly instead.
        if (span.Start < 0 || span.End > text.Length || span.End <= span.Start)
        {
            throw new InvalidDataException($"Span {span.Type} [{span.Start}, {span.End}) lies outside a text of {text.Length} characters.");
        }

        return new GoldSpan(span.Type ?? "O", span.Start, span.End);
    }

    private sealed record SampleJson(
        [property: JsonPropertyName("full_text")] string? FullText,
        [property: JsonPropertyName("spans")] List<SpanJson>? Spans);

    private sealed record SpanJson(
        [property: JsonPropertyName("entity_type")] string? Type,
        [property: JsonPropertyName("start_position")] int Start,
        [property: JsonPropertyName("end_position")] int End);
}
