using System.Diagnostics;
using Microsoft.Extensions.Options;
using Parley.Engine.Entities;
using Parley.Engine.Intents;
using Parley.Engine.Redaction;
using Parley.Engine.Sentiment;

namespace Parley.Server.Understanding;

/// <summary>
/// The built-in engine's reading of a customer message: PII redaction first, then intent (with
/// calibrated confidence and out-of-scope detection), entities and sentiment on the redacted text.
/// </summary>
public sealed class MessageAnalyzer
{
    // The default intent model depends only on Parley's shipped examples, so one trained copy
    // serves every host in the process. It is trained once, on first use or by the warm-up at start.
    private static readonly Lazy<(IntentModel Model, TimeSpan Took)> DefaultModel = new(() =>
    {
        var started = Stopwatch.GetTimestamp();
        var model = DefaultIntents.Train();
        return (model, Stopwatch.GetElapsedTime(started));
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly PiiRedactor _redactor;
    private readonly EntityExtractor _entities = new();
    private readonly ILogger<MessageAnalyzer> _logger;

    public MessageAnalyzer(IOptions<RedactionSettings> redaction, ILogger<MessageAnalyzer> logger)
    {
        _logger = logger;
        _redactor = new PiiRedactor(new RedactionOptions
        {
            // Every type unless configured: DisabledTypes (ORGANIZATION among them by default) decides, not the engine's opt-in list.
            EnabledTypes = redaction.Value.EnabledTypes is { Length: > 0 } enabled ? enabled : PiiTypes.All,
            DisabledTypes = redaction.Value.DisabledTypes,
            UseMaskedValuesInText = redaction.Value.UseMaskedValuesInText,
        });
    }

    /// <summary>Trains the default intent model now rather than on the first customer message.</summary>
    public void WarmUp()
    {
        var (model, took) = DefaultModel.Value;
        _logger.LogInformation("Default intent model ready: {Intents} intents, trained in {Milliseconds} ms", model.Intents.Count, (long)took.TotalMilliseconds);
    }

    /// <summary>
    /// Redacts with the tenant's settings when <paramref name="profile"/> has them, the platform's otherwise;
    /// <paramref name="protectedPhrases"/> (the tenant's own business names) are left in the text.
    /// </summary>
    public (string Text, IReadOnlyList<RedactionView> Redactions) Redact(string text, UnderstandingProfile? profile = null, IReadOnlyCollection<string>? protectedPhrases = null)
    {
        var result = profile?.Redactor is { } tenant ? tenant.Redact(text, protectedPhrases) : _redactor.Redact(text, protectedPhrases);
        return (result.Text, result.Redactions.Select(r => new RedactionView(r.ApiType, r.Masked, [r.Start, r.End], r.Original)).ToList());
    }

    /// <summary>Classifies with the tenant's trained model and lookup lists when <paramref name="profile"/> has them.</summary>
    public MessageUnderstanding Understand(string redactedText, UnderstandingProfile? profile = null)
    {
        var prediction = (profile?.Intents ?? DefaultModel.Value.Model).Classify(redactedText);
        var entities = (profile?.Entities ?? _entities).Extract(redactedText)
            .Select(e => new EntityView(e.Type, e.Text, e.Value, e.Start, e.End, e.Confidence))
            .ToList();
        var (intent, confidence) = (prediction.Intent, prediction.Confidence);
        if (intent == "human_handoff" && !PersonRequest.NamesWhom(redactedText))
        {
            // "I'd like to strikethrough text in gmail" is a how-to question, not a request for a person.
            var next = prediction.Ranking.FirstOrDefault(r => r.Intent != "human_handoff");
            (intent, confidence) = next.Intent is { } other ? (other, next.Score) : (Parley.Engine.Intents.IntentModel.OutOfScopeIntent, 0);
        }

        return new MessageUnderstanding(intent, confidence, prediction.Ranking, entities, SentimentScorer.Score(redactedText));
    }
}

/// <summary>Trains the intent model in the background as the server starts.</summary>
public sealed class AnalyzerWarmUp(MessageAnalyzer analyzer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(analyzer.WarmUp, stoppingToken);
}

/// <summary>
/// Which PII types are redacted from customer messages (Presidio or HeliosCS names). By
/// default everything the engine detects except dates, URLs, titles and nationality/religion/party
/// words, which carry what a support answer needs (order dates, links) and identify no one.
/// </summary>
public sealed class RedactionSettings
{
    public const string Section = "Parley:Redaction";

    public string[]? EnabledTypes { get; set; }
    public string[] DisabledTypes { get; set; } = [PiiTypes.DateTime, PiiTypes.Url, PiiTypes.Title, PiiTypes.Nrp, PiiTypes.Organization];
    public bool UseMaskedValuesInText { get; set; }
}
