using System.Text.Json;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Assistants;

/// <summary>
/// AI Assistant Platform's assistant fields (<c>name, description, personality, system_prompt, tools, model,
/// temperature, status, category</c>) plus the knowledge categories it may search. On create
/// <c>name</c> is required; on update every field is optional and only the ones sent change.
/// </summary>
public sealed record AssistantRequest(
    string? Name,
    string? Description,
    string? Personality,
    string? SystemPrompt,
    IReadOnlyList<string>? Tools,
    string? Model,
    double? Temperature,
    int? MaxTokens,
    string? Status,
    string? Category,
    IReadOnlyList<string>? KnowledgeCategories,
    bool? IsDefault) : IValidatable
{
    public const int MaxListItems = 50;

    public IEnumerable<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (Name is not null && string.IsNullOrWhiteSpace(Name))
        {
            errors.Add(new FieldError("name", "Must not be blank."));
        }

        errors.AddRange(Check.MaxLength("name", Name, 100));
        errors.AddRange(Check.MaxLength("description", Description, 2000));
        errors.AddRange(Check.MaxLength("personality", Personality, 1000));
        errors.AddRange(Check.MaxLength("system_prompt", SystemPrompt, 8000));
        errors.AddRange(Check.MaxLength("model", Model, 200));
        errors.AddRange(Check.MaxLength("category", Category, 100));
        errors.AddRange(List("tools", Tools));
        errors.AddRange(List("knowledge_categories", KnowledgeCategories));
        if (Temperature is < 0 or > 2 || (Temperature is { } t && !double.IsFinite(t)))
        {
            errors.Add(new FieldError("temperature", "A number from 0 to 2."));
        }

        if (MaxTokens is < 1 or > 32_000)
        {
            errors.Add(new FieldError("max_tokens", "A whole number from 1 to 32000."));
        }

        if (Status is not null && !AssistantStatus.All.Contains(Status))
        {
            errors.Add(new FieldError("status", $"One of: {string.Join(", ", AssistantStatus.All)}."));
        }

        return errors;
    }

    private static IEnumerable<FieldError> List(string field, IReadOnlyList<string>? items)
    {
        if (items is null)
        {
            yield break;
        }

        if (items.Count > MaxListItems)
        {
            yield return new FieldError(field, $"At most {MaxListItems} items.");
        }
        else if (items.Any(i => string.IsNullOrWhiteSpace(i) || i.Length > 100))
        {
            yield return new FieldError(field, "Items are non-empty strings of at most 100 characters.");
        }
    }
}

/// <summary>An assistant as AI Assistant Platform shows it; <c>system_prompt</c> is shown to agents and admins only.</summary>
public sealed record AssistantView(
    Guid Id,
    Guid AssistantId,
    string Name,
    string? Description,
    string? Personality,
    string? SystemPrompt,
    IReadOnlyList<string> Tools,
    string? Model,
    double? Temperature,
    int? MaxTokens,
    string Status,
    string? Category,
    IReadOnlyList<string> KnowledgeCategories,
    bool IsDefault,
    Guid? CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static AssistantView From(Assistant a, bool showPrompt = true) => new(
        a.Id, a.Id, a.Name, a.Description, a.Personality, showPrompt ? a.SystemPrompt : null, Strings(a.Tools), a.Model, a.Temperature, a.MaxTokens,
        a.Status, a.Category, Strings(a.KnowledgeCategories), a.IsDefault, a.CreatedBy, a.CreatedAt, a.UpdatedAt);

    public static IReadOnlyList<string> Strings(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    public static string Json(IEnumerable<string> items) => JsonSerializer.Serialize(items.Select(i => i.Trim()).Distinct(StringComparer.Ordinal).ToList());
}
