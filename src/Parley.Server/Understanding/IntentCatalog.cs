using System.Text.Json;
using Parley.Engine.Intents;

namespace Parley.Server.Understanding;

/// <summary>
/// A tenant's effective intents: Parley's defaults, overridden or disabled by the tenant's rows of
/// the same name, plus the tenant's own. This is what <c>POST /intents/train</c> trains on.
/// </summary>
public static class IntentCatalog
{
    private static readonly Dictionary<string, string[]> Defaults = DefaultIntents.Examples
        .GroupBy(e => e.Intent)
        .ToDictionary(g => g.Key, g => g.Select(e => e.Text).ToArray(), StringComparer.Ordinal);

    public static bool IsDefault(string name) => Defaults.ContainsKey(name);

    public static IReadOnlyCollection<string> DefaultNames => Defaults.Keys;

    public static IReadOnlyList<string> DefaultExamples(string name) => Defaults.GetValueOrDefault(name) ?? [];

    public static string[] ReadExamples(TenantIntent intent) => JsonSerializer.Deserialize<string[]>(intent.Examples) ?? [];

    /// <summary>Every intent the tenant's model would know (disabled ones included, flagged), defaults first.</summary>
    public static List<IntentView> Effective(IReadOnlyList<TenantIntent> tenantIntents)
    {
        var byName = tenantIntents.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var views = new List<IntentView>();
        foreach (var name in Defaults.Keys.Order(StringComparer.Ordinal))
        {
            views.Add(byName.TryGetValue(name, out var own) ? IntentView.From(own) : IntentView.Default(name));
        }

        views.AddRange(tenantIntents.Where(i => !IsDefault(i.Name)).OrderBy(i => i.Name, StringComparer.Ordinal).Select(IntentView.From));
        return views;
    }

    /// <summary>The labelled examples a model is trained on: enabled intents only, duplicates removed.</summary>
    public static List<LabeledUtterance> TrainingExamples(IReadOnlyList<TenantIntent> tenantIntents)
    {
        var examples = new List<LabeledUtterance>();
        foreach (var view in Effective(tenantIntents).Where(v => v.Enabled))
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var text in view.Examples)
            {
                if (seen.Add(text.Trim()))
                {
                    examples.Add(new LabeledUtterance(text.Trim(), view.Name));
                }
            }
        }

        return examples;
    }
}

/// <summary>
/// An intent as the API shows it. <c>source</c> is <c>default</c> (Parley's, untouched), <c>override</c>
/// (a default the tenant changed or disabled) or <c>custom</c> (the tenant's own); <c>id</c> is null for
/// an untouched default. <c>examples</c> are the effective ones; <c>custom_examples</c> what the tenant wrote.
/// </summary>
public sealed record IntentView(
    Guid? Id,
    string Name,
    string? Description,
    string Source,
    bool Enabled,
    bool ReplaceDefaultExamples,
    IReadOnlyList<string> Examples,
    IReadOnlyList<string> CustomExamples,
    int ExampleCount,
    DateTime? CreatedAt,
    DateTime? UpdatedAt)
{
    public static IntentView Default(string name)
    {
        var examples = IntentCatalog.DefaultExamples(name);
        return new IntentView(null, name, null, "default", true, false, examples, [], examples.Count, null, null);
    }

    public static IntentView From(TenantIntent intent)
    {
        var own = IntentCatalog.ReadExamples(intent);
        var isDefault = IntentCatalog.IsDefault(intent.Name);
        string[] examples = isDefault && !intent.ReplaceDefaultExamples ? [.. IntentCatalog.DefaultExamples(intent.Name), .. own] : own;
        return new IntentView(intent.Id, intent.Name, intent.Description, isDefault ? "override" : "custom", intent.Enabled,
            intent.ReplaceDefaultExamples, examples, own, examples.Length, intent.CreatedAt, intent.UpdatedAt);
    }
}
