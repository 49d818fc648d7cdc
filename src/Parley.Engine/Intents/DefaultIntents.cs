namespace Parley.Engine.Intents;

/// <summary>
/// Starter intents for a support bot, so a new tenant gets sensible routing before writing any
/// examples of its own. Tenants add their examples to these (or replace them) and retrain.
/// </summary>
public static class DefaultIntents
{
    public const string Greet = "greet";
    public const string Goodbye = "goodbye";
    public const string Thanks = "thanks";
    public const string Affirm = "affirm";
    public const string Deny = "deny";
    public const string HumanHandoff = "human_handoff";
    public const string Complaint = "complaint";
    public const string OrderStatus = "order_status";
    public const string RefundRequest = "refund_request";
    public const string AccountHelp = "account_help";
    public const string BillingQuestion = "billing_question";
    public const string OpeningHours = "opening_hours";
    public const string ResetPassword = "reset_password";

    /// <summary>Every example, including those labelled <see cref="IntentModel.OutOfScopeIntent"/>.</summary>
    public static IReadOnlyList<LabeledUtterance> Examples { get; } =
        DefaultIntentExamples.ByIntent
            .SelectMany(group => group.Texts.Select(text => new LabeledUtterance(text, group.Intent)))
            .ToList();

    /// <summary>
    /// Generic requests a support bot should decline. Out-of-scope detection leans on examples like
    /// these: without any, a model trained on a few intents is confidently wrong about unrelated
    /// messages, so tenants that replace the defaults should keep these (or their own).
    /// </summary>
    public static IReadOnlyList<LabeledUtterance> OutOfScopeExamples { get; } =
        Examples.Where(e => e.Intent == IntentModel.OutOfScopeIntent).ToList();

    /// <summary>
    /// Trains a model on <see cref="Examples"/>, optionally with a tenant's own examples added. Without options the
    /// model is n-grams only (<see cref="IntentEncoder.Never"/>): it serves every tenant that has not trained its own,
    /// where an encoder call per message would multiply the cost of every chat turn.
    /// </summary>
    public static IntentModel Train(IEnumerable<LabeledUtterance>? extraExamples = null, IntentTrainingOptions? options = null) =>
        IntentTrainer.Train(Examples.Concat(extraExamples ?? []), options ?? new IntentTrainingOptions { Encoder = IntentEncoder.Never });
}
